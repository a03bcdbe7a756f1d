// Seeded random numbers: every random tensor and initialiser draws from an
// explicit generator or from the global one that manualSeed resets.
import seedrandom from "seedrandom";

/** A generator of uniform numbers in [0, 1). seedrandom's generators fit. */
export type Rng = () => number;

let globalRng: Rng = seedrandom("dagrad");

/** Reset the global generator: the same seed gives the same numbers on every machine. */
export function manualSeed(seed: number | string): void {
  globalRng = seedrandom(String(seed));
}

/** A new independent generator from a seed. */
export function createRng(seed: number | string): Rng {
  return seedrandom(String(seed));
}

export function defaultRng(): Rng {
  return globalRng;
}

/** Standard normal draw (Box-Muller; uses two uniforms, discards the second normal). */
export function normalSample(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
