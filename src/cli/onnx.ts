// ONNX files need the onnx-proto package, an optional peer dependency of
// dagrad: the commands load dagrad/onnx only when they read or write one, and
// say what to install when it is missing.
import { UsageError } from "./args.js";

export type OnnxModule = typeof import("../onnx.js");

export async function loadOnnx(what: string, load: () => Promise<OnnxModule> = () => import("../onnx.js")): Promise<OnnxModule> {
  try {
    return await load();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && /onnx-proto/.test((e as Error).message);
    if (missing) throw new UsageError(`${what} needs the onnx-proto package (an optional peer dependency of dagrad, ~23 MB with protobufjs): npm install onnx-proto@8.0.1`);
    throw e;
  }
}
