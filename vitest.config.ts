import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Gradient checks and training tests are CPU-bound; two workers match the 2-core machines.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
