// The messages between the page and the worker that trains for it.
import type { PlaygroundConfig } from "./config.js";
import type { EpochSummary, Frame, GradientCheck, Inspection, Layout, SampleSet } from "./session.js";

/** Page to worker. */
export type Command =
  | { type: "configure"; config: PlaygroundConfig }
  | { type: "play" }
  | { type: "pause" }
  | { type: "step" }
  /** Epochs per second; Infinity trains as fast as the worker can. */
  | { type: "speed"; epochsPerSecond: number }
  | { type: "learningRate"; lr: number }
  | { type: "inspect"; set: SampleSet; index: number }
  | { type: "gradcheck"; set: SampleSet; index: number }
  /** Train a fresh run of `config` for `epochs` epochs, timed, without frames (npm run bench:browser). */
  | { type: "bench"; config: PlaygroundConfig; epochs: number };

/** Worker to page. */
export type Report =
  | { type: "ready"; layout: Layout; frame: Frame }
  | {
    type: "progress";
    /** The epochs trained since the last report. */
    epochs: EpochSummary[];
    frame: Frame;
    running: boolean;
    finished: "limit" | "diverged" | null;
    /** The library's message when training stopped on a value that was not finite. */
    diverged: string | null;
  }
  | { type: "inspection"; inspection: Inspection }
  | { type: "gradcheck"; check: GradientCheck }
  | { type: "bench"; epochs: number; ms: number }
  /** A command that failed; `control` names the setting at fault when one is. */
  | { type: "error"; command: Command["type"]; message: string; control: string | null };
