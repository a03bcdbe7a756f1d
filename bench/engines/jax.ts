// jax-js, the fastest JS peer: `jit` over the whole update (loss, gradient and
// SGD) compiles the step to WebAssembly. Arrays are reference-counted: every
// call consumes its arguments, so kept arrays are passed as `.ref`, and
// dataSync() consumes the array it reads.
import type { Engine, LoadedBatch, Trainer } from "./engine.js";
import { type Batch, type InitialWeights, type MlpProblem, transposed } from "../problems.js";

type Jax = typeof import("@jax-js/jax");
type JaxArray = InstanceType<Jax["numpy"]["Array"]>;
// A type alias, not an interface: jax-js trees need an index-compatible type.
type Params = { w: JaxArray[]; b: JaxArray[] };

function makeEngine(jax: Jax): Engine {
  const { numpy: np, nn, jit, valueAndGrad, tree } = jax;

  class JaxTrainer implements Trainer {
    private params: Params;
    private readonly update: (p: Params, x: JaxArray, y: JaxArray) => [Params, JaxArray];
    private readonly forward: (p: Params, x: JaxArray) => JaxArray;

    constructor(private readonly problem: MlpProblem, init: InitialWeights) {
      const s = problem.sizes;
      this.params = {
        w: init.weights.map((w, l) => np.array(transposed(w, s[l + 1]!, s[l]!)).reshape([s[l]!, s[l + 1]!])),
        b: init.biases.map((b) => np.array(b.slice())),
      };
      const activation = problem.activation === "relu" ? nn.relu : np.tanh;
      const logits = (p: Params, x: JaxArray): JaxArray => {
        let h = x;
        const last = p.w.length - 1;
        for (let l = 0; l <= last; l++) {
          h = np.matmul(h, p.w[l]!).add(p.b[l]!);
          if (l < last) h = activation(h);
        }
        return h;
      };
      const loss = (p: Params, x: JaxArray, y: JaxArray): JaxArray => {
        const z = logits(p, x);
        if (problem.loss === "crossEntropy") return nn.logSoftmax(z, -1).mul(y).sum(-1).mean().mul(-1);
        if (problem.loss === "bce") {
          // Sigmoid then BCE on probabilities, logs clamped at -100 as PyTorch's.
          const p = nn.sigmoid(z);
          const logP = np.maximum(np.log(p.ref), -100);
          const logNotP = np.maximum(np.log(np.subtract(1, p)), -100);
          return y.ref.mul(logP).add(np.subtract(1, y).mul(logNotP)).mean().mul(-1);
        }
        // BCE with logits: softplus(z) - y z, averaged.
        return nn.softplus(z.ref).sub(y.mul(z)).mean();
      };
      const lr = problem.lr;
      this.update = jit((p: Params, x: JaxArray, y: JaxArray) => {
        const [value, grads] = valueAndGrad(loss)(tree.ref(p), x, y);
        const next = tree.map((pi: JaxArray, gi: JaxArray) => pi.sub(gi.mul(lr)), p, grads) as Params;
        return [next, value];
      }) as unknown as JaxTrainer["update"];
      this.forward = jit(logits) as unknown as JaxTrainer["forward"];
    }

    load(batch: Batch): LoadedBatch {
      const s = this.problem.sizes;
      const x = np.array(batch.x).reshape([batch.rows, s[0]!]);
      const y = np.array(batch.y).reshape([batch.rows, s[s.length - 1]!]);
      return {
        step: () => {
          const [next, value] = this.update(this.params, x.ref, y.ref);
          this.params = next;
          return value.dataSync()[0]!;
        },
        dispose: () => { x.dispose(); y.dispose(); },
      };
    }

    predict(x: Float32Array, rows: number): Float32Array {
      const input = np.array(x).reshape([rows, this.problem.sizes[0]!]);
      return this.forward(tree.ref(this.params), input).dataSync() as Float32Array;
    }

    dispose(): void {
      tree.dispose(this.params);
    }
  }

  const matmul = jit((a: JaxArray, b: JaxArray) => np.matmul(a, b)) as unknown as (a: JaxArray, b: JaxArray) => JaxArray;
  return {
    name: "jax-js",
    matmul(a, b, n) {
      const ja = np.array(a).reshape([n, n]);
      const jb = np.array(b).reshape([n, n]);
      let c: Float32Array = new Float32Array(0);
      return {
        run: () => { c = matmul(ja.ref, jb.ref).dataSync() as Float32Array; },
        result: () => c,
        dispose: () => { ja.dispose(); jb.dispose(); },
      };
    },
    trainer: (problem, init) => new JaxTrainer(problem, init),
  };
}

export async function loadJax(): Promise<Engine> {
  // jax-js reads navigator at import; Node 20 has none.
  (globalThis as { navigator?: unknown }).navigator ??= {};
  const jax = await import("@jax-js/jax");
  await jax.init("wasm");
  jax.defaultDevice("wasm");
  return makeEngine(jax);
}
