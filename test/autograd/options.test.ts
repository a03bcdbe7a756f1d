// checkNumber is the one range check behind every numeric option: each bound
// kind, and each way a value can fail to be a number, with the message it gives.
import { describe, expect, it } from "vitest";
import { DTypeError } from "../../src/autograd/index.js";
import { type NumberBounds, checkNumber, expectedNumber } from "../../src/autograd/options.js";

function refusal(value: unknown, bounds?: NumberBounds): DTypeError {
  try {
    checkNumber("op", "x", value, bounds);
  } catch (e) {
    if (e instanceof DTypeError) return e;
    throw e;
  }
  throw new Error(`checkNumber accepted ${String(value)}`);
}

describe("checkNumber", () => {
  // [bounds, accepted values, [refused value, message]]
  const cases: [string, NumberBounds | undefined, unknown[], [unknown, string]][] = [
    ["no bounds", undefined, [-1e300, 0, 2.5], [NaN, "op: x must be a finite number, got NaN"]],
    ["no bounds, Infinity", {}, [-0], [Infinity, "op: x must be a finite number, got Infinity"]],
    ["no bounds, -Infinity", {}, [1], [-Infinity, "op: x must be a finite number, got -Infinity"]],
    ["a string", {}, [1], ["0.1", 'op: x must be a finite number, got "0.1"']],
    ["undefined", { min: 0 }, [0], [undefined, "op: x must be a finite number >= 0, got undefined"]],
    ["null", {}, [0], [null, "op: x must be a finite number, got null"]],
    ["an array", {}, [0], [[1], "op: x must be a finite number, got an array"]],
    ["an object", {}, [0], [{ x: 1 }, "op: x must be a finite number, got an object"]],
    ["min included", { min: 0 }, [0, 5], [-0.5, "op: x must be a finite number >= 0, got -0.5"]],
    ["min excluded", { min: 0, minOpen: true }, [1e-300, 5], [0, "op: x must be a finite number > 0, got 0"]],
    ["max included", { max: 1 }, [1, -5], [1.5, "op: x must be a finite number <= 1, got 1.5"]],
    ["max excluded", { max: 1, maxOpen: true }, [0.999, -5], [1, "op: x must be a finite number < 1, got 1"]],
    ["[min, max]", { min: 0, max: 1 }, [0, 1], [2, "op: x must be a finite number in [0, 1], got 2"]],
    ["[min, max)", { min: 0, max: 1, maxOpen: true }, [0, 0.5], [1, "op: x must be a finite number in [0, 1), got 1"]],
    ["(min, max]", { min: 0, max: 1, minOpen: true }, [1, 0.5], [0, "op: x must be a finite number in (0, 1], got 0"]],
    ["(min, max)", { min: 0, max: 1, minOpen: true, maxOpen: true }, [0.5], [-1, "op: x must be a finite number in (0, 1), got -1"]],
    ["NaN against a range", { min: 0, max: 1 }, [0.5], [NaN, "op: x must be a finite number in [0, 1], got NaN"]],
    ["Infinity against a min", { min: 0 }, [1e308], [Infinity, "op: x must be a finite number >= 0, got Infinity"]],
    ["integer", { integer: true }, [-3, 0, 7], [2.5, "op: x must be an integer, got 2.5"]],
    ["integer >= 1", { integer: true, min: 1 }, [1, 2], [0, "op: x must be an integer >= 1, got 0"]],
    ["integer >= 1, a fraction", { integer: true, min: 1 }, [1], [1.5, "op: x must be an integer >= 1, got 1.5"]],
    ["integer >= 0, NaN", { integer: true, min: 0 }, [0], [NaN, "op: x must be an integer >= 0, got NaN"]],
    ["integer in [2, 4]", { integer: true, min: 2, max: 4 }, [2, 4], [5, "op: x must be an integer in [2, 4], got 5"]],
    ["integer beyond 2^53", { integer: true, min: 0 }, [Number.MAX_SAFE_INTEGER], [1e20, "op: x must be an integer >= 0 and at most 9007199254740991, got 100000000000000000000"]],
  ];
  for (const [name, bounds, accepted, [refused, message]] of cases) {
    it(name, () => {
      for (const v of accepted) expect(() => checkNumber("op", "x", v, bounds), String(v)).not.toThrow();
      const error = refusal(refused, bounds);
      expect(error.message).toBe(message);
      expect(error.op).toBe("op");
    });
  }

  it("gives the CLI the same words without the error (undefined for a good value)", () => {
    expect(expectedNumber(0.5, { min: 0, max: 1, maxOpen: true })).toBeUndefined();
    expect(expectedNumber(1, { min: 0, max: 1, maxOpen: true })).toBe("a finite number in [0, 1)");
  });
});
