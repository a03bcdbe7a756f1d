// Where a module's random numbers come from.
import { type Rng, createRng, defaultRng } from "../autograd/index.js";

export interface SeedOptions {
  /** Generator for initial values (and dropout masks); wins over seed. */
  rng?: Rng;
  /** Seed for a fresh generator; without rng or seed the global generator (manualSeed) is used. */
  seed?: number | string;
}

export function resolveRng(options: SeedOptions): Rng {
  return options.rng ?? (options.seed !== undefined ? createRng(options.seed) : defaultRng());
}
