// A trained net's loss landscape and the sharpness of its minimum, by the library.
import { MLP, SGD, bceWithLogitsLoss, fit, hvp, lossSlice, lossSurface, moons, noGrad, randomDirection, topHessianEigenvalue } from "dagrad";

const data = moons({ n: 200, noise: 0.2, seed: 1, dtype: "float64" });
const model = new MLP({ sizes: [2, 16, 16, 1], activation: "tanh", init: "xavier", dtype: "float64", seed: 1 });
fit(model, data, { loss: "bceWithLogits", optimizer: new SGD(model.parameters(), { lr: 0.5 }), epochs: 300, seed: 1 });

const params = model.parameters();
const loss = () => bceWithLogitsLoss(model.forward(data.x), data.y);     // a graph, for second derivatives
const value = () => noGrad(() => loss().item());                        // just the number, for slices

// A Hessian-vector product by double backward, and the Hessian's top eigenvalue by power iteration on them.
const v = randomDirection(params, { seed: 2 });
const hv = hvp(loss(), params, v);
const sharpness = topHessianEigenvalue(loss(), params, { seed: 3 });
console.log("loss at the trained weights", value().toFixed(4));
console.log("||H v||", Math.hypot(...hv.flatMap((t) => Array.from(t.data))).toFixed(4));
console.log("sharpness λmax", sharpness.value.toFixed(3), `(${sharpness.iterations} products H v)`);

// Filter-normalised directions (Li et al. 2018): a 1-D slice and a 5x5 surface around the trained weights.
const d1 = randomDirection(params, { seed: 4 }), d2 = randomDirection(params, { seed: 5 });
const steps = [-1, -0.5, 0, 0.5, 1];
console.log("slice", Array.from(lossSlice(params, value, d1, steps), (l) => l.toFixed(3)).join(" "));
const surface = lossSurface(params, value, [d1, d2], steps, steps);
console.log("surface corners", [0, 4, 20, 24].map((i) => surface.values[i]!.toFixed(3)).join(" "));
console.log("after the slices the weights are as trained: loss", value().toFixed(4));
