// Training progress: a bar redrawn in place on a terminal, or the documents'
// plain "Epoch 100: Loss = ..., Accuracy = ..." lines when output is a file or pipe.
import type { EpochRecord } from "../nn/index.js";

interface ProgressOptions {
  total: number;
  tty: boolean;
  /** Plain mode prints epoch 1, every logEvery-th epoch and the last. */
  logEvery: number;
  write: (text: string) => void;
  /** A document's own line for an epoch (null: none), printed instead of the bar and the usual lines. */
  line?: (r: EpochRecord) => string | null;
}

/** 000's line, "Epoch  100: Loss = 0.2929, Accuracy = 0.8667" (R² = ... for regression). */
function epochLine(r: EpochRecord): string {
  const accuracy = r.metrics.accuracy !== undefined ? `, Accuracy = ${r.metrics.accuracy.toFixed(4)}` : "";
  const r2 = r.metrics.r2 !== undefined ? `, R² = ${r.metrics.r2.toFixed(4)}` : "";
  return `Epoch ${String(r.epoch).padStart(4)}: Loss = ${r.loss.toFixed(4)}${accuracy}${r2}`;
}

export class Progress {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(private readonly options: ProgressOptions) {}

  update(r: EpochRecord): void {
    const { total, tty, logEvery, write, line } = this.options;
    if (line !== undefined) {
      const text = line(r);
      if (text !== null) write(text + "\n");
      return;
    }
    if (!tty) {
      if (r.epoch === 1 || r.epoch % logEvery === 0 || r.epoch === total) write(epochLine(r) + "\n");
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 80 && r.epoch !== total) return;
    this.lastDraw = now;
    const width = 28;
    const filled = Math.round((r.epoch / total) * width);
    const accuracy = r.metrics.accuracy !== undefined ? `  acc ${r.metrics.accuracy.toFixed(4)}` : r.metrics.r2 !== undefined ? `  R² ${r.metrics.r2.toFixed(4)}` : "";
    const test = r.valMetrics?.accuracy !== undefined ? `  test acc ${r.valMetrics.accuracy.toFixed(4)}` : r.valMetrics?.r2 !== undefined ? `  test R² ${r.valMetrics.r2.toFixed(4)}` : "";
    const seconds = ((now - this.started) / 1000).toFixed(1);
    write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${r.epoch}/${total}  loss ${r.loss.toFixed(4)}${accuracy}${test}  ${seconds}s\x1b[K`);
  }

  /** End the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.options.tty && this.options.line === undefined) this.options.write("\n");
  }
}
