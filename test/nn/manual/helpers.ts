// Shared assertion of the manual-backprop tests: element-by-element closeness
// with a message that names the quantity and the worst element.
import { expect } from "vitest";

export function expectValues(what: string, actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  expect(worst, `${what}: |actual - expected| at ${at}: ${Array.from(actual).join(", ")} vs ${expected.join(", ")}`).toBeLessThanOrEqual(tolerance);
}
