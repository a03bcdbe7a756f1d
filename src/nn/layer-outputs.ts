// What each layer of an MLP outputs, for pictures of what its hidden units
// compute (each unit's value over the input plane, as TensorFlow Playground
// draws them). An MLP's Sequential holds, per Linear layer, the Linear and
// what follows it (batch norm, activation, dropout), or one Residual wrapping
// all of those; a layer ends where the next Linear or Residual begins.
import { ShapeError, type Tensor, formatShape, noGrad } from "../autograd/index.js";
import { Residual } from "./containers.js";
import { Linear } from "./linear.js";
import type { MLP } from "./mlp.js";

/**
 * The output of every layer of `mlp` for the rows of x, input to output, in
 * evaluation mode and without recording a graph (as predict): one [n, width]
 * tensor per Linear layer, after its activation (and, for a residual layer,
 * after the skip connection's sum). The last is the network's output.
 */
export function layerOutputs(mlp: MLP, x: Tensor): Tensor[] {
  const first = mlp.linears[0]!;
  if (x.ndim !== 2 || x.shape[1] !== first.inFeatures) {
    throw new ShapeError("layerOutputs", `x ${formatShape(x.shape)} must be [samples, ${first.inFeatures}] for MLP [${mlp.sizes.join(", ")}]`, [x.shape]);
  }
  const wasTraining = mlp.training;
  mlp.eval();
  try {
    return noGrad(() => {
      const outputs: Tensor[] = [];
      const modules = mlp.layers.modules;
      let h = x;
      modules.forEach((module, i) => {
        h = module.forward(h);
        const next = modules[i + 1];
        if (next === undefined || next instanceof Linear || next instanceof Residual) outputs.push(h);
      });
      return outputs;
    });
  } finally {
    mlp.train(wasTraining);
  }
}
