// The GEMM worker on Node's worker_threads. Imported for its effect by the
// Node entries only (src/index.node.ts, the "node" export of "dagrad", and
// dagrad/node), so a bundle for browsers never reaches a node: module.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type StartWorker, WORKER_LOOP, useNodeWorkerThreads } from "./gemm-threads.js";

/**
 * Starts the worker on a worker_threads Worker; the handle is that Worker.
 * Typed as the handle only: the published .d.ts must not name a Node type,
 * or a browser project that type-checks its libraries fails.
 */
export const startNodeWorker: StartWorker = (data, failed) => {
  // Not require(): an eval worker is an ES module where the process runs with --input-type=module.
  const worker = new Worker(`${WORKER_LOOP}\nrun(process.getBuiltinModule("node:worker_threads").workerData);`, { eval: true, workerData: data });
  worker.unref(); // never keep the process alive
  worker.on("error", failed);
  worker.on("exit", failed);
  return worker;
};

useNodeWorkerThreads(startNodeWorker, availableParallelism());
