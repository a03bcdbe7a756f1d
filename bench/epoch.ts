// Workload 6: one epoch over 8,000 real MNIST training digits (batch 128, the
// same seeded order for every engine), then accuracy on the 2,000 test digits.
// An epoch takes seconds, so it is timed directly (wall clock over the whole
// epoch, loading each batch included), not through benny's many samples.
import { createRng } from "../src/autograd/index.js";
import { mnist } from "../src/node/index.js";
import type { Engine } from "./engines/engine.js";
import { PROBLEMS, initialWeights } from "./problems.js";

export interface EpochResult {
  readonly engine: string;
  /** Median over the repeats, each from fresh weights. */
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly testAccuracy: number;
  readonly finalLoss: number;
  readonly repeats: number;
}

const BATCH = 128;

function shuffledOrder(n: number, seed: number): Int32Array {
  const rng = createRng(`epoch-order-${seed}`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function runEpochs(engines: readonly Engine[], repeats: number): EpochResult[] {
  const { train, test } = mnist({ train: 8000, test: 2000, seed: 6 });
  const pixels = 784;
  const trainX = train.x.data as Float32Array;
  const trainY = train.y.data;
  const order = shuffledOrder(train.x.shape[0]!, 6);
  // Batches as plain arrays built once, so every engine times only its own work.
  const batches: { x: Float32Array; y: Float32Array; rows: number }[] = [];
  for (let start = 0; start < order.length; start += BATCH) {
    const rows = Math.min(BATCH, order.length - start);
    const x = new Float32Array(rows * pixels);
    const y = new Float32Array(rows * 10);
    for (let r = 0; r < rows; r++) {
      const i = order[start + r]!;
      x.set(trainX.subarray(i * pixels, (i + 1) * pixels), r * pixels);
      y[r * 10 + trainY[i]!] = 1;
    }
    batches.push({ x, y, rows });
  }
  const testRows = test.x.shape[0]!;
  const results: EpochResult[] = [];
  for (const engine of engines) {
    if (!engine.trainer) continue;
    const times: number[] = [];
    let accuracy = 0;
    let finalLoss = NaN;
    for (let rep = 0; rep < repeats; rep++) {
      const trainer = engine.trainer(PROBLEMS.mnist, initialWeights(PROBLEMS.mnist.sizes, 6));
      const start = performance.now();
      for (const batch of batches) {
        const loaded = trainer.load(batch);
        finalLoss = loaded.step();
        loaded.dispose();
      }
      times.push((performance.now() - start) / 1000);
      const logits = trainer.predict(test.x.data as Float32Array, testRows);
      accuracy = accuracyOf(logits, test.y.data, testRows);
      trainer.dispose();
    }
    times.sort((a, b) => a - b);
    const seconds = times[Math.floor(times.length / 2)]!;
    results.push({ engine: engine.name, seconds, stepsPerSecond: batches.length / seconds, testAccuracy: accuracy, finalLoss, repeats });
    console.log(`  ${engine.name}: ${seconds.toFixed(2)} s/epoch, test accuracy ${(accuracy * 100).toFixed(2)}%`);
  }
  return results;
}

function accuracyOf(logits: Float32Array, labels: ArrayLike<number>, rows: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[r * 10 + j]! > logits[r * 10 + best]!) best = j;
    if (best === labels[r]) correct++;
  }
  return correct / rows;
}
