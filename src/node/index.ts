// dagrad/node: what reads and writes files, for Node. Everything else is in
// "dagrad", which runs wherever JavaScript runs. package.json's exports give
// this file to Node and browser.ts (the same names, each saying what to use
// instead) to every other platform.
// Node's worker_threads for large products, as the "node" export of "dagrad" has them.
import "../kernels/node-threads.js";

export { saveModule, loadModule } from "./module-files.js";
export { loadCsvFile, loadIdxFile } from "./dataset-files.js";
export { mnist, mnistDigits, MNIST_PIXELS, type MnistDigits, type MnistOptions } from "./mnist.js";
