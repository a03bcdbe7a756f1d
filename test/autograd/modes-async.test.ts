// noGrad, detectAnomaly, withGradMode and withAnomalyMode are global switches
// restored when their callback returns, so they cannot follow an await. A
// callback that returns a promise (or any thenable) is refused with a
// GraphError, the mode is restored, and the stray promise's rejection is not
// reported as unhandled.
import { afterEach, describe, expect, it } from "vitest";
import { GraphError, detectAnomaly, isAnomalyEnabled, isGradEnabled, noGrad, tensor, withGradMode } from "../../src/index.js";
import { withAnomalyMode } from "../../src/autograd/graph.js";

const scopes = {
  noGrad: (fn: () => unknown) => noGrad(fn),
  withGradMode: (fn: () => unknown) => withGradMode(false, fn),
  detectAnomaly: (fn: () => unknown) => detectAnomaly(fn),
  withAnomalyMode: (fn: () => unknown) => withAnomalyMode(true, fn),
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
afterEach(() => { process.off("unhandledRejection", onUnhandled); });

describe("a mode's callback must be synchronous", () => {
  for (const [name, scope] of Object.entries(scopes)) {
    it(`${name}(async () => ...) throws a GraphError that says to wrap the synchronous parts, and restores the mode`, () => {
      const x = tensor([1, 2], { requiresGrad: true });
      let error: unknown;
      try {
        scope(async () => x.mul(2));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GraphError);
      expect((error as GraphError).op).toBe(name);
      expect((error as Error).message).toMatch(/returned a promise .* cannot follow an await.*wrap only the synchronous parts/);
      expect(isGradEnabled()).toBe(true);
      expect(isAnomalyEnabled()).toBe(false);
    });

    it(`${name}: a thenable is refused too, and a rejection of the stray promise is not unhandled`, async () => {
      process.on("unhandledRejection", onUnhandled);
      unhandled.length = 0;
      expect(() => scope(() => ({ then: () => undefined }))).toThrow(GraphError);
      expect(() => scope(async () => { throw new Error("lost in the promise"); })).toThrow(GraphError);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    });
  }

  it("a synchronous callback's value comes back, even a plain object or a function", () => {
    expect(noGrad(() => ({ value: 3 }))).toEqual({ value: 3 });
    const f = (): number => 4;
    expect(detectAnomaly(() => f)).toBe(f);
    expect(noGrad(() => tensor([1], { requiresGrad: true }).mul(2).requiresGrad)).toBe(false);
  });
});
