// Heap and RSS after 10,000 tiny training steps against after 100: a graph
// that is not released, or a buffer cache that grows, shows up here.
import type { Engine } from "./engines/engine.js";
import { PROBLEMS, initialWeights, randomBatch } from "./problems.js";

export interface MemoryResult {
  readonly engine: string;
  readonly heapAfter100MB: number;
  readonly heapAfter10000MB: number;
  readonly rssAfter100MB: number;
  readonly rssAfter10000MB: number;
}

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("bench memory: run node with --expose-gc (npm run bench does)");
  gc();
  gc();
}

export function measureMemory(engine: Engine): MemoryResult {
  const trainer = engine.trainer!(PROBLEMS.tiny, initialWeights(PROBLEMS.tiny.sizes, 1));
  const loaded = trainer.load(randomBatch(PROBLEMS.tiny, 1));
  for (let i = 0; i < 100; i++) loaded.step();
  collect();
  const early = process.memoryUsage();
  for (let i = 100; i < 10_000; i++) loaded.step();
  collect();
  const late = process.memoryUsage();
  loaded.dispose();
  trainer.dispose();
  return {
    engine: engine.name,
    heapAfter100MB: early.heapUsed / MB,
    heapAfter10000MB: late.heapUsed / MB,
    rssAfter100MB: early.rss / MB,
    rssAfter10000MB: late.rss / MB,
  };
}
