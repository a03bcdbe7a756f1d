// The dataset loaders that take paths: they read the file and hand its text
// or bytes to loadCsv and loadIdx, which name the path in their errors.
import { readFileSync } from "node:fs";
import { type CsvOptions, DatasetError, type IdxOptions, loadCsv, loadIdx } from "../datasets/index.js";

/** loadCsv of the file at `path` (UTF-8). */
export function loadCsvFile(path: string, options: Omit<CsvOptions, "source"> = {}): ReturnType<typeof loadCsv> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DatasetError("loadCsvFile", path, `cannot read the file: ${(error as Error).message}`);
  }
  return loadCsv(text, { ...options, source: path });
}

/** loadIdx of the two files, gzip or not (e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz). */
export async function loadIdxFile(imagesPath: string, labelsPath: string, options: Omit<IdxOptions, "sources"> = {}): ReturnType<typeof loadIdx> {
  const read = (path: string): Uint8Array => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new DatasetError("loadIdxFile", path, `cannot read the file: ${(error as Error).message}`);
    }
  };
  return loadIdx(read(imagesPath), read(labelsPath), { ...options, sources: { images: imagesPath, labels: labelsPath } });
}
