// Seeded train/test splits. Stratified splits give every class the same share
// of the test set as of the whole data, rounding by largest remainder so the
// totals are exact.
import { type Rng, DagradError, Tensor } from "../autograd/index.js";
import { type Seed, gatherRows, labelValues, permutation, rngFor, sampleCount, shuffleInPlace } from "./common.js";

export interface SplitOptions {
  /** A fraction in (0, 1) of the samples (rounded up, as scikit-learn does), or a count (default 0.2). */
  testSize?: number;
  seed?: Seed;
  /**
   * Keep each class's proportion in both parts; y must be class labels shaped [n]
   * or [n, 1]. A class never goes to the test part whole: a class of one sample
   * is trained on and not tested.
   */
  stratify?: boolean;
}

export interface Split {
  xTrain: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
}

/** Shuffle the samples (rows) and cut them into a training part and a test part. */
export function trainTestSplit(x: Tensor, y: Tensor, options: SplitOptions = {}): Split {
  const n = sampleCount("trainTestSplit", x, y);
  const testCount = testCountOf(n, options.testSize ?? 0.2);
  const rng = rngFor("trainTestSplit", options.seed);
  let train: Int32Array;
  let test: Int32Array;
  if (options.stratify) {
    [train, test] = stratifiedPick(labelValues("trainTestSplit", y), n - testCount, testCount, rng, { keepOneForTraining: true });
  } else {
    const order = permutation(n, rng);
    test = order.subarray(0, testCount);
    train = order.subarray(testCount);
  }
  return { xTrain: gatherRows(x, train), xTest: gatherRows(x, test), yTrain: gatherRows(y, train), yTest: gatherRows(y, test) };
}

function testCountOf(n: number, testSize: number): number {
  // The small slack keeps a product like 0.07 * 100 = 7.000000000000001 from rounding up to 8.
  const count = testSize > 0 && testSize < 1 ? Math.ceil(testSize * n - 1e-9) : testSize;
  if (!Number.isInteger(count) || count < 1 || count > n - 1) {
    throw new DagradError("trainTestSplit", `testSize ${testSize} leaves ${count} of ${n} samples for testing; expected a fraction in (0, 1) or a count, leaving at least one sample in each part`);
  }
  return count;
}

/**
 * Pick trainCount + testCount distinct samples (at most all of them), each class
 * represented in each part in proportion to its size. With keepOneForTraining,
 * every class picked keeps at least one sample in the training part (its share
 * of the test part goes to the other classes). Returns [train, test], each in a
 * random order.
 */
export function stratifiedPick(labels: ArrayLike<number>, trainCount: number, testCount: number, rng: Rng, options: { keepOneForTraining?: boolean } = {}): [Int32Array, Int32Array] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]!);
    if (members) members.push(i);
    else byClass.set(labels[i]!, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((c) => Int32Array.from(byClass.get(c)!));
  const taken = largestRemainder(trainCount + testCount, classes.map((m) => m.length))!;
  const testShares = largestRemainder(testCount, taken, options.keepOneForTraining ? taken.map((t) => Math.max(0, t - 1)) : taken);
  if (testShares === null) {
    throw new DagradError("trainTestSplit", `stratify cannot hold out ${testCount} of ${trainCount + testCount} samples for testing and keep one of each of the ${classes.length} classes (sizes ${taken.join(", ")}) for training; lower testSize or add samples`);
  }
  const train = new Int32Array(trainCount);
  const test = new Int32Array(testCount);
  let trainAt = 0;
  let testAt = 0;
  classes.forEach((members, c) => {
    shuffleInPlace(members, rng);
    const testHere = testShares[c]!;
    test.set(members.subarray(0, testHere), testAt);
    train.set(members.subarray(testHere, taken[c]!), trainAt);
    testAt += testHere;
    trainAt += taken[c]! - testHere;
  });
  shuffleInPlace(train, rng);
  shuffleInPlace(test, rng);
  return [train, test];
}

/**
 * Split `total` into integer shares proportional to `weights`, none above its
 * cap, giving the leftover units to the largest fractions first (round and
 * round while caps hold some back). Null when the caps cannot hold the total.
 */
function largestRemainder(total: number, weights: readonly number[], caps: readonly number[] = weights): number[] | null {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w, c) => Math.min(caps[c]!, Math.floor((total * w) / sum)));
  let leftover = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = weights.map((w, c) => ({ c, remainder: (total * w) % sum })).sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  while (leftover > 0) {
    const before = leftover;
    for (const { c } of byRemainder) {
      if (leftover > 0 && shares[c]! < caps[c]!) { shares[c]! += 1; leftover--; }
    }
    if (leftover === before) return null;
  }
  return shares;
}
