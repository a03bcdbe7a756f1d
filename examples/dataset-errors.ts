// A file that cannot be read as its format says throws a DatasetError naming the file and what is wrong.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatasetError, loadCsv } from "dagrad";
import { loadCsvFile, loadIdxFile } from "dagrad/node";

const folder = mkdtempSync(join(tmpdir(), "dagrad-files-"));
process.on("exit", () => rmSync(folder, { recursive: true, force: true }));
process.chdir(folder);  // the files below are named relative to it, as the messages show them

/** An IDX file of unsigned bytes: magic number 0x0000080<dims>, one big-endian size per dimension, the values. */
function idx(path: string, dims: number[], values: number[]): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, Buffer.from(values)]));
}
idx("images.idx", [3, 2, 2], Array<number>(12).fill(128));
idx("labels.idx", [2], [0, 1]);
idx("t10k-labels-idx1-ubyte", [3], [7, 2, 1]);
writeFileSync("data.csv", "x,y,label\n1,2,0\n5,abc,1\n");
writeFileSync("big.csv", "x,y,label\n1,2,0\n1e39,5,1\n");

for (const load of [
  () => loadIdxFile("t10k-labels-idx1-ubyte", "labels.idx"),
  () => loadIdxFile("images.idx", "labels.idx"),
  () => loadIdxFile("missing.idx", "labels.idx"),
  () => loadCsvFile("data.csv", { header: true }),
  () => loadCsvFile("big.csv", { header: true }),
  () => loadCsv('x,label\n"1,5,0\n', { header: true, source: "pasted.csv" }),
]) {
  try {
    await load();
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
}
