// The worker's side of the page: one Session at a time, trained in slices of
// about 25 ms while playing (at a chosen number of epochs per second, or as
// fast as it goes), a progress report with a fresh frame after each slice, and
// the other commands answered between slices, so pause acts within one.
import { type EpochSummary, Session } from "./session.js";
import { PlaygroundError } from "./errors.js";
import type { Command, Report } from "./protocol.js";

/** Longest stretch of training between two reports. */
export const SLICE_MS = 25;

export interface RunnerHost {
  post(report: Report): void;
  /** Call `fn` after `ms` milliseconds (0: as soon as pending messages are handled). */
  schedule(fn: () => void, ms: number): void;
  now(): number;
}

export class Runner {
  private session: Session | null = null;
  private running = false;
  private epochsPerSecond = Infinity;
  /** While playing at a set speed: when the clock started and the epochs trained since. */
  private clock = { start: 0, epochs: 0 };
  /** Bumped by every pause, play and configure, so a tick scheduled before one of them does nothing. */
  private generation = 0;

  constructor(private readonly host: RunnerHost) {}

  handle(command: Command): void {
    try {
      this.dispatch(command);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.host.post({ type: "error", command: command.type, message, control: e instanceof PlaygroundError ? e.control : null });
    }
  }

  private dispatch(command: Command): void {
    switch (command.type) {
      case "configure": {
        this.stop();
        // A configuration that fails leaves no network behind, rather than the previous one.
        this.session = null;
        this.session = new Session(command.config);
        this.host.post({ type: "ready", layout: this.session.layout, frame: this.session.frame() });
        return;
      }
      case "play": return this.play();
      case "pause": {
        this.stop();
        this.report([]);
        return;
      }
      case "step": {
        this.stop();
        this.report(this.current().train(1));
        return;
      }
      case "speed": {
        this.epochsPerSecond = command.epochsPerSecond;
        this.restartClock();
        return;
      }
      case "learningRate": return this.current().setLearningRate(command.lr);
      case "inspect": {
        this.host.post({ type: "inspection", inspection: this.current().inspect(command.set, command.index) });
        return;
      }
      case "gradcheck": {
        this.host.post({ type: "gradcheck", check: this.current().gradientCheck(command.set, command.index) });
        return;
      }
      case "bench": {
        const session = new Session(command.config);
        const started = this.host.now();
        const epochs = session.train(command.epochs).length;
        this.host.post({ type: "bench", epochs, ms: this.host.now() - started });
        return;
      }
    }
  }

  private current(): Session {
    if (this.session === null) throw new PlaygroundError("network", "there is no network to train: fix the settings the last error named");
    return this.session;
  }

  private play(): void {
    const session = this.current();
    if (this.running) return;
    if (session.finished !== null) {
      this.report([]);
      return;
    }
    this.running = true;
    this.generation++;
    this.restartClock();
    this.tick(this.generation);
  }

  private stop(): void {
    this.running = false;
    this.generation++;
  }

  private restartClock(): void {
    this.clock = { start: this.host.now(), epochs: 0 };
  }

  private tick(generation: number): void {
    if (!this.running || generation !== this.generation) return;
    const session = this.current();
    const started = this.host.now();
    const paced = Number.isFinite(this.epochsPerSecond);
    // Paced: the epochs due since the clock started; otherwise as many as fit in the slice.
    const due = paced ? Math.floor(((started - this.clock.start) * this.epochsPerSecond) / 1000) - this.clock.epochs : Number.MAX_SAFE_INTEGER;
    const epochs = due > 0 ? session.train(due, () => this.host.now() - started < SLICE_MS) : [];
    this.clock.epochs += epochs.length;
    if (session.finished !== null) this.running = false;
    if (epochs.length > 0 || !this.running) this.report(epochs);
    if (!this.running) return;
    const wait = paced ? Math.max(0, this.clock.start + ((this.clock.epochs + 1) * 1000) / this.epochsPerSecond - this.host.now()) : 0;
    this.host.schedule(() => this.tick(generation), wait);
  }

  private report(epochs: EpochSummary[]): void {
    const session = this.current();
    this.host.post({
      type: "progress", epochs, frame: session.frame(), running: this.running,
      finished: session.finished, diverged: session.diverged?.message ?? null,
    });
  }
}
