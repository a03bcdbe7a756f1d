// The worker's message loop with a clock and a scheduler the test turns by
// hand: slices of about 25 ms, paced epochs, pause between slices, errors
// that name the setting, and every report the page draws from.
import { describe, expect, it } from "vitest";
import { PRESETS, defaultConfig } from "../../playground/config.js";
import type { Report } from "../../playground/protocol.js";
import { Runner, SLICE_MS } from "../../playground/runner.js";

/** A host whose clock moves `msPerCall` at every reading, and whose scheduled calls run when the test says. */
function fakeHost(msPerCall = 0) {
  const reports: Report[] = [];
  const pending: { fn: () => void; at: number }[] = [];
  let time = 0;
  const host = {
    post: (r: Report) => { reports.push(r); },
    schedule: (fn: () => void, ms: number) => { pending.push({ fn, at: time + ms }); },
    now: () => { time += msPerCall; return time; },
  };
  return {
    host, reports, pending,
    /** Move the clock to the next scheduled call and run it. */
    runNext(): void {
      const next = pending.shift()!;
      time = Math.max(time, next.at);
      next.fn();
    },
    get time() { return time; },
    set time(t: number) { time = t; },
  };
}

const of = <T extends Report["type"]>(reports: Report[], type: T) => reports.filter((r): r is Extract<Report, { type: T }> => r.type === type);

describe("Runner", () => {
  it("configure answers with the layout and a first frame; a bad setting with an error naming it, and no network left", () => {
    const { host, reports } = fakeHost();
    const runner = new Runner(host);
    runner.handle({ type: "configure", config: defaultConfig() });
    const [ready] = of(reports, "ready");
    expect(ready!.layout.sizes).toEqual([2, 8, 1]);
    expect(ready!.frame.epoch).toBe(0);
    const bad = defaultConfig();
    bad.network.hidden = [100];
    runner.handle({ type: "configure", config: bad });
    expect(of(reports, "error")).toEqual([{ type: "error", command: "configure", message: "playground: network.hidden: each width must be a whole number from 1 to 64, got 100", control: "network.hidden" }]);
    runner.handle({ type: "step" });
    expect(of(reports, "error")[1]!.message).toBe("playground: network: there is no network to train: fix the settings the last error named");
  });

  it("plays in slices of 25 ms, reporting each slice's epochs with a fresh frame, until paused", () => {
    const fake = fakeHost(1); // every clock reading advances 1 ms: about one epoch per reading
    const runner = new Runner(fake.host);
    runner.handle({ type: "configure", config: defaultConfig() });
    runner.handle({ type: "play" });
    const first = of(fake.reports, "progress")[0]!;
    expect(first.running).toBe(true);
    expect(first.epochs.length).toBeGreaterThan(5);
    expect(first.epochs.length).toBeLessThanOrEqual(SLICE_MS);
    expect(first.frame.epoch).toBe(first.epochs.at(-1)!.epoch);
    fake.runNext();
    const second = of(fake.reports, "progress")[1]!;
    expect(second.epochs[0]!.epoch).toBe(first.epochs.at(-1)!.epoch + 1);
    runner.handle({ type: "pause" });
    const paused = of(fake.reports, "progress").at(-1)!;
    expect([paused.running, paused.epochs]).toEqual([false, []]);
    // The slice scheduled before the pause does nothing.
    const count = fake.reports.length;
    fake.runNext();
    expect(fake.reports.length).toBe(count);
  });

  it("at 10 epochs a second trains one epoch every 100 ms", () => {
    const fake = fakeHost();
    const runner = new Runner(fake.host);
    runner.handle({ type: "configure", config: defaultConfig() });
    runner.handle({ type: "speed", epochsPerSecond: 10 });
    runner.handle({ type: "play" });
    expect(of(fake.reports, "progress")).toHaveLength(0);
    expect(fake.pending[0]!.at).toBe(100);
    for (let i = 0; i < 5; i++) fake.runNext();
    expect(fake.time).toBe(500);
    expect(of(fake.reports, "progress").map((r) => r.epochs.map((e) => e.epoch))).toEqual([[1], [2], [3], [4], [5]]);
  });

  it("stops by itself at the stop-at epoch and says so; play then changes nothing", () => {
    const fake = fakeHost();
    const runner = new Runner(fake.host);
    const config = PRESETS.find((p) => p.id === "002-fails")!.config;
    runner.handle({ type: "configure", config });
    runner.handle({ type: "play" });
    const last = of(fake.reports, "progress").at(-1)!;
    expect([last.running, last.finished, last.frame.epoch]).toEqual([false, "limit", 100]);
    expect(fake.pending).toHaveLength(0);
    runner.handle({ type: "play" });
    expect(of(fake.reports, "progress").at(-1)!.epochs).toEqual([]);
  });

  it("one step is one epoch; inspect, gradcheck and bench answer with their results", () => {
    const fake = fakeHost();
    const runner = new Runner(fake.host);
    runner.handle({ type: "configure", config: defaultConfig() });
    runner.handle({ type: "step" });
    expect(of(fake.reports, "progress")[0]!.epochs.map((e) => e.epoch)).toEqual([1]);
    runner.handle({ type: "inspect", set: "train", index: 5 });
    expect(of(fake.reports, "inspection")[0]!.inspection.index).toBe(5);
    runner.handle({ type: "gradcheck", set: "test", index: 0 });
    expect(of(fake.reports, "gradcheck")[0]!.check.passed).toBe(true);
    runner.handle({ type: "bench", config: defaultConfig(), epochs: 20 });
    expect(of(fake.reports, "bench")[0]!.epochs).toBe(20);
    runner.handle({ type: "learningRate", lr: -1 });
    expect(of(fake.reports, "error")[0]).toMatchObject({ command: "learningRate", control: "training.lr" });
  });
});
