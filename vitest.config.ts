import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Gradient checks and training tests are CPU-bound; two workers match the 2-core machines.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Starting headless Chromium (the report test's beforeAll) took over the default 10 s once while both cores were busy.
    hookTimeout: 60_000,
  },
});
