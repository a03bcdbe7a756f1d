// Bundling for browsers with esbuild, as a user's bundler would.
import { type Message, build } from "esbuild";

export interface Bundle {
  /** The bundle's code, empty when bundling failed. */
  code: string;
  /** esbuild's errors, as "file: text" lines. */
  errors: string[];
  /** Every node: module an input imports (esbuild fails on them for the browser, unless marked external). */
  nodeImports: string[];
}

/** Bundle `entry` (a file) for platform=browser as one ES module. */
export async function bundleForBrowser(entry: string): Promise<Bundle> {
  try {
    const result = await build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", target: "es2022", write: false, metafile: true, logLevel: "silent" });
    const nodeImports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path).filter((path) => path.startsWith("node:")));
    return { code: result.outputFiles[0]!.text, errors: [], nodeImports };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors === undefined) throw e;
    return { code: "", errors: errors.map((m) => `${m.location?.file ?? "?"}: ${m.text}`), nodeImports: [] };
  }
}
