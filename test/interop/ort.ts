// ONNX Runtime (onnxruntime-node, its CPU provider) running a model's bytes on a dagrad tensor.
import * as ort from "onnxruntime-node";
import { Tensor } from "../../src/index.js";

// The runtime's own warnings (and the error lines of a session it refuses) would clutter the test output; its errors still throw.
ort.env.logLevel = "fatal";

/** Every output of the model on `x` (its one input), by name. */
export async function runOrt(bytes: Uint8Array, x: Tensor): Promise<Map<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 });
  try {
    const input = new ort.Tensor(x.dtype, x.data, [...x.shape]);
    const results = await session.run({ [session.inputNames[0]!]: input });
    const out = new Map<string, Tensor>();
    for (const [name, value] of Object.entries(results)) {
      const data = value.data;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`output ${name} is ${value.type}, not float32 or float64`);
      out.set(name, new Tensor(data, [...value.dims]));
    }
    return out;
  } finally {
    await session.release();
  }
}

/** The model's output named "output" on `x`. */
export async function ortOutput(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  return (await runOrt(bytes, x)).get("output")!;
}

/**
 * max |actual - expected| / max |expected| (the infinity-norm relative error):
 * a value near 0 that came out of a cancellation is judged against the
 * tensor's scale, not against itself. Non-finite values must match exactly.
 */
export function relativeError(actual: Tensor, expected: Tensor): number {
  if (actual.shape.join() !== expected.shape.join()) throw new Error(`shapes differ: [${actual.shape}] vs [${expected.shape}]`);
  let difference = 0, scale = 0;
  expected.data.forEach((e, i) => {
    const a = actual.data[i]!;
    if (!Number.isFinite(e) || !Number.isFinite(a)) difference = Object.is(a, e) ? difference : Infinity;
    else difference = Math.max(difference, Math.abs(a - e));
    if (Number.isFinite(e)) scale = Math.max(scale, Math.abs(e));
  });
  return difference === 0 ? 0 : difference / scale;
}
