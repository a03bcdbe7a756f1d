// What bad input gets: a typed error naming the op, the shapes and the rule broken.
import { DagradError, ones, tensor, zeros } from "dagrad";

const attempts: (() => unknown)[] = [
  () => ones([2, 3]).matmul(ones([2, 2])),
  () => ones([2, 3]).add(ones([4])),
  () => tensor([[1, 2], [3]]),
  () => zeros([1_000_000, 1_000_000]),
  () => ones([2], { requiresGrad: true }).mul(2).backward(),
];
for (const attempt of attempts) {
  try {
    attempt();
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
}
