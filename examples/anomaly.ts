// Anomaly mode names the op that first makes a NaN, and the line that created it.
import { AnomalyError, detectAnomaly, tensor } from "dagrad";

const x = tensor([1, -1, 2], { requiresGrad: true });
try {
  detectAnomaly(() => x.log().sum().backward());
} catch (e) {
  if (!(e instanceof AnomalyError)) throw e;
  console.log(`${e.name}: ${e.message}`);
}
