// The reverse sweep: reuse and accumulation, graph release, hooks, grad modes,
// version checks, higher-order gradients, anomaly mode, and stack safety.
import vm from "node:vm";
import v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { AnomalyError, GraphError, type Tensor, detectAnomaly, grad, graphNodes, linear, noGrad, tensor, toDot, topologicalOrder } from "../../src/index.js";

const param = (data: number[] | number[][]) => tensor(data, { dtype: "float64", requiresGrad: true });

describe("nodes used more than once accumulate", () => {
  it("b = a + a; c = b + b gives dc/da = 4", () => {
    const a = param([1, -2, 3]);
    const b = a.add(a);
    b.add(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([4, 4, 4]);
  });

  it("mul(a, a) gives 2a", () => {
    const a = param([1.5, -2, 3]);
    a.mul(a).sum().backward();
    expect(a.grad!.toArray()).toEqual([3, -4, 6]);
  });

  it("a diamond: d = (2a)(3a) = 6a^2 gives 12a", () => {
    const a = param([0.5, 2]);
    a.mul(2).mul(a.mul(3)).sum().backward();
    expect(a.grad!.toArray()).toEqual([6, 24]);
  });

  it("a tensor reached along paths of different lengths gets every path's gradient", () => {
    const a = param([2]);
    const b = a.exp();
    const c = b.mul(a).add(b).add(a); // c = a e^a + e^a + a
    c.sum().backward();
    const e = Math.exp(2);
    expect(a.grad!.item()).toBeCloseTo(e + 2 * e + e + 1, 12);
  });
});

describe(".grad on leaves", () => {
  it("accumulates across backward calls and zeroGrad clears it", () => {
    const w = param([1, 2]);
    w.mul(3).sum().backward();
    w.mul(3).sum().backward();
    expect(w.grad!.toArray()).toEqual([6, 6]);
    w.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it("is not shared between two leaves that received the same upstream buffer", () => {
    const a = param([1, 1]);
    const b = param([1, 1]);
    a.add(b).sum().backward();
    a.grad!.data[0] = 100;
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  it("is not shared between a retained intermediate and the leaf its gradient passed through to", () => {
    const x = param([1, 2]);
    const h = x.add(0).retainGrad();
    h.mul(3).sum().backward();
    h.grad!.data[0] = 100;
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it("a leaf keeps accumulating correctly into a gradient buffer the sweep made", () => {
    const w = param([1, 2]);
    for (let i = 0; i < 3; i++) w.mul(w).sum().backward();
    expect(w.grad!.toArray()).toEqual([6, 12]);
  });

  it("intermediate gradients are kept only after retainGrad()", () => {
    const x = param([1, 2]);
    const h = x.mul(2);
    const kept = x.mul(3).retainGrad();
    h.add(kept).square().sum().backward();
    expect(h.grad).toBeNull();
    // d/dk of sum((h + k)^2) = 2(h + k) = 2 * 5x
    expect(kept.grad!.toArray()).toEqual([10, 20]);
  });
});

describe("graph release", () => {
  it("frees the graph after backward: a second backward throws a GraphError naming retainGraph", () => {
    const x = param([1, 2]);
    const loss = x.tanh().sum();
    loss.backward();
    expect(loss.inputs).toHaveLength(0);
    expect(() => loss.backward()).toThrowError(GraphError);
    expect(() => loss.backward()).toThrowError(/retainGraph: true/);
  });

  it("retainGraph keeps it for another backward", () => {
    const x = param([1, 2]);
    const loss = x.square().sum();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
  });

  it("memory stays flat over 10,000 forward/backward iterations of a small graph", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const w = tensor(new Float32Array(64).fill(0.1), { shape: [8, 8], requiresGrad: true });
    const x = tensor(new Float32Array(128).fill(0.5), { shape: [16, 8] });
    const losses: number[] = [];
    const step = () => {
      const loss = x.matmul(w).tanh().square().mean();
      loss.backward();
      losses.push(loss.item());
      noGrad(() => w.subInPlace(w.grad!, 0.01));
      w.zeroGrad();
    };
    for (let i = 0; i < 1000; i++) step();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 9000; i++) step();
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // 9,000 more steps keep only 9,000 numbers (72 KB); a leaked graph would be tens of MB.
    expect(growth).toBeLessThan(2_000_000);
    expect(losses[9999]).toBeLessThan(losses[0]!);
  });
});

describe("stack safety", () => {
  it("a chain of 1,000,000 elementwise ops backpropagates without recursion", () => {
    const x = param([1]);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(1 + 1e-7);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1 + 1e-7, 1_000_000), 9);
  }, 120_000);

  it("topologicalOrder lists every input before the tensors made from it", () => {
    const a = param([1]);
    const b = a.exp();
    const c = b.add(a);
    const d = c.mul(b);
    const order = topologicalOrder([d]);
    expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    expect(order.indexOf(b)).toBeLessThan(order.indexOf(c));
    expect(order.indexOf(c)).toBeLessThan(order.indexOf(d));
    expect(order).toHaveLength(4);
  });
});

describe("graphNodes: the whole graph, constants included, in topological order", () => {
  /** Every tensor comes after all of its inputs, and the root is last. */
  function expectTopological(nodes: readonly Tensor[], root: Tensor): void {
    const at = new Map(nodes.map((t, i) => [t, i]));
    expect(at.size).toBe(nodes.length);
    for (const t of nodes) for (const input of t.inputs) expect(at.get(input), `${input.op ?? input.name} before ${t.op}`).toBeLessThan(at.get(t)!);
    expect(nodes[nodes.length - 1]).toBe(root);
  }

  it("a skip connection (x + tanh(linear(x))), the Residual shape", () => {
    const x = param([[1, 2]]);
    const w = param([[1, 0], [0, 1]]);
    const loss = linear(x, w).tanh().add(x).sum();
    const nodes = graphNodes(loss);
    expectTopological(nodes, loss);
    expect(nodes).toHaveLength(6);
  });

  it("a diamond whose two paths have different lengths, with a constant operand", () => {
    const a = param([1, 2]);
    const scale = tensor([3, 4]);
    const b = a.exp();
    const c = b.mul(scale).tanh().sigmoid();
    const root = c.add(b).sum();
    const nodes = graphNodes(root);
    expectTopological(nodes, root);
    expect(nodes).toContain(scale);
    expect(nodes).toHaveLength(8);
  });

  it("a chain of 100,000 ops without recursion (each with its constant operand)", () => {
    let y = param([1]);
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    expect(graphNodes(y)).toHaveLength(200_001);
  });
});

describe("recording switches", () => {
  it("noGrad records nothing", () => {
    const x = param([1]);
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.op).toBeNull();
  });

  it("an op whose inputs need no gradient records nothing", () => {
    const y = tensor([1, 2]).mul(2);
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });

  it("detach shares data but cuts the graph", () => {
    const x = param([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.toArray()).toEqual([2, 4]);
  });

  it("records the op and its inputs so the graph can be walked", () => {
    const a = param([1]);
    const b = param([2]);
    const c = a.mul(b);
    expect(c.op).toBe("mul");
    expect(c.inputs).toEqual([a, b]);
    expect(c.isLeaf).toBe(false);
  });
});

describe("hooks", () => {
  it("see the gradient and may replace it", () => {
    const x = param([1, 2]);
    const h = x.mul(3);
    const seen: number[][] = [];
    h.registerHook((g) => { seen.push(g.toArray() as number[]); return g.mul(2); });
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });

  it("can be removed", () => {
    const x = param([1]);
    const remove = x.registerHook((g) => g.mul(10));
    remove();
    x.mul(2).sum().backward();
    expect(x.grad!.item()).toBe(2);
  });
});

describe("in-place updates and the version counter", () => {
  it("backward through a tensor modified after it was saved throws a GraphError naming the op", () => {
    const w = param([1, 2]);
    const x = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const y = w.mul(x);
    noGrad(() => x.addInPlace(1));
    expect(() => y.sum().backward()).toThrowError(/^mul: its input 1 \[2\] was modified in place/);
  });

  it("modifying a tensor the backward does not need is fine", () => {
    const w = param([1, 2]);
    const b = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const y = w.add(b);
    noGrad(() => b.addInPlace(1));
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([1, 1]);
  });

  it("in-place updates of a tensor that requires grad must run under noGrad", () => {
    const w = param([1]);
    expect(() => w.subInPlace(1)).toThrowError(GraphError);
    noGrad(() => w.subInPlace(1));
    expect(w.item()).toBe(0);
    expect(w.version).toBe(1);
  });

  it("a reshape is a view: it shares the version counter", () => {
    const w = param([1, 2, 3, 4]);
    const v = w.reshape(2, 2);
    const y = v.square();
    noGrad(() => w.mulInPlace(2));
    expect(() => y.sum().backward()).toThrowError(/square: its input 0 \[2,2\] was modified in place/);
  });
});

describe("grad() and higher-order gradients", () => {
  it("returns gradients without touching .grad", () => {
    const x = param([1, 2]);
    const [g] = grad(x.square().sum(), [x]);
    expect(g!.toArray()).toEqual([2, 4]);
    expect(x.grad).toBeNull();
  });

  it("createGraph: d²/dx² x³ = 6x", () => {
    const x = param([2]);
    const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true });
    expect(dx!.item()).toBe(12);
    const [dxx] = grad(dx!.sum(), [x]);
    expect(dxx!.item()).toBe(12);
  });

  it("Hessian-vector product of f(x) = x0 x1^2 + x0^3 matches H·v", () => {
    // f = x0 * x1^2 + x0^3: H = [[6 x0, 2 x1], [2 x1, 2 x0]]
    const x = param([1.5, -2]);
    const v = tensor([0.3, 0.7], { dtype: "float64" });
    const f = (t: typeof x) => t.slice(0, 0, 1).mul(t.slice(0, 1, 2).square()).add(t.slice(0, 0, 1).pow(3)).sum();
    const [g] = grad(f(x), [x], { createGraph: true });
    const [hv] = grad(g!.mul(v).sum(), [x]);
    const [x0, x1] = [1.5, -2];
    expect(hv!.data[0]).toBeCloseTo(6 * x0 * 0.3 + 2 * x1 * 0.7, 12);
    expect(hv!.data[1]).toBeCloseTo(2 * x1 * 0.3 + 2 * x0 * 0.7, 12);
  });

  it("an unused input is an error unless allowUnused", () => {
    const x = param([1]);
    const unused = param([1]);
    expect(() => grad(x.sum(), [x, unused])).toThrowError(/input 1 .* is not used.*allowUnused/);
    expect(grad(x.sum(), [x, unused], { allowUnused: true })[1]).toBeNull();
  });
});

describe("anomaly mode", () => {
  it("names the first op whose output is NaN, and the user's line that created it", () => {
    const x = param([-1]);
    let error: unknown;
    try {
      detectAnomaly(() => x.log());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnomalyError);
    const anomaly = error as AnomalyError;
    expect(anomaly.op).toBe("log");
    expect(anomaly.message).toMatch(/^log: output \[1\] holds NaN/);
    expect(anomaly.createdAt).toMatch(/engine\.test\.ts/);
  });

  it("names the op whose backward produces an infinite gradient", () => {
    const x = param([0]);
    expect(() => detectAnomaly(() => x.sqrt().sum().backward())).toThrowError(/^sqrt: gradient for input 0 \[1\] holds Inf/);
  });

  it("watches the recorded graph only: constants may be infinite (log(0) under noGrad)", () => {
    const p = tensor([0, 1]);
    expect(detectAnomaly(() => noGrad(() => p.log())).toArray()).toEqual([-Infinity, 0]);
    expect(detectAnomaly(() => p.log()).toArray()).toEqual([-Infinity, 0]);
  });

  it("outside anomaly mode NaN flows as in PyTorch (no checks, no cost)", () => {
    expect(Number.isNaN(param([-1]).log().item())).toBe(true);
  });
});

describe("toDot", () => {
  it("draws ops, shapes, dtypes and edges", () => {
    const w = param([[1, 2], [3, 4]]);
    w.name = "layers.0.weight";
    const loss = tensor([[1, 1]], { dtype: "float64" }).matmul(w).relu().sum();
    const dot = toDot(loss);
    expect(dot).toMatch(/^digraph dagrad \{/);
    for (const label of ["matmul", "relu", "sum", "layers.0.weight", "[2,2] float64"]) expect(dot).toContain(label);
    expect(dot.match(/->/g)).toHaveLength(4);
  });
});
