// "dagrad" in Node (package.json's "node" export): the same public surface,
// with large products split with a worker_threads worker.
import "./kernels/node-threads.js";

export * from "./index.js";
