// The tape of a captured training step (autograd's captureStep): while one
// records, every kernel call that writes a tensor's data is kept, with the
// very buffers it wrote, so the step can run again as those calls alone: no
// graph, no tensors, no allocation. Every kernel here starts with
//   if (taping()) return onTape(() => kernel(...same arguments));
// and code above the kernels that reads or writes data in JavaScript either
// goes on the tape the same way or refuses to be captured (autograd/capture.ts).
// Random numbers go on the tape too: a replay draws afresh from the same
// generator, as the step run through the graph would (see `draws`).

/** What a tape holds: its calls, the checks that run before them, and the buffers kept across steps that they update. */
export interface Tape {
  readonly calls: (() => void)[];
  readonly checks: (() => void)[];
  readonly updated: (Float32Array | Float64Array)[];
}

/** The tape recording now, or null when nothing records (the usual case). */
let recording: Tape | null = null;

export function taping(): boolean {
  return recording !== null;
}

/** The zero fill recorded last, while it is the tape's last call: the next call may make it needless. */
let lastFill: { buffer: Float32Array | Float64Array; at: number } | null = null;

/**
 * Run `call` now and, while a tape records, keep it to run again on every
 * replay. `overwrites`: a buffer `call` writes whole, whatever it held; a
 * replay need not zero it first if nothing touched it since it was made.
 */
export function onTape(call: () => void, overwrites: Float32Array | Float64Array | null = null): void {
  const tape = recording;
  if (tape === null) return call();
  recording = null; // the kernels `call` reaches are part of it, not calls of their own
  try {
    call();
  } finally {
    recording = tape;
  }
  const { calls } = tape;
  if (lastFill !== null && lastFill.buffer === overwrites && lastFill.at === calls.length - 1) calls.pop();
  lastFill = null;
  calls.push(call);
}

/**
 * While a tape records: `buffer` was just made (zeroed) for an op's output,
 * and ops count on that (a padded slice, a gradient summed into); a replay
 * zeroes it again at this point, unless the op's kernel then writes it whole.
 */
export function zeroOnReplay(buffer: Float32Array | Float64Array): void {
  const calls = recording?.calls;
  if (calls === undefined) return;
  calls.push(() => buffer.fill(0));
  lastFill = { buffer, at: calls.length - 1 };
}

/**
 * While a tape records: run `check` before every replay of it (not now). A
 * check throws when what the step was recorded under has changed since (a
 * module switched between training and evaluation), before any call runs.
 */
export function checkBeforeReplay(check: () => void): void {
  recording?.checks.push(check);
}

/**
 * While a tape records: the calls just taped update these buffers in place,
 * and they outlive the step (batch norm's running statistics). A captured
 * step's check runs the step twice, through the graph then replayed, and
 * puts them back between the two, so they are updated once.
 */
export function updatesInPlace(...buffers: (Float32Array | Float64Array)[]): void {
  recording?.updated.push(...buffers);
}

/** Run fn with a fresh tape; returns what it returned and the tape it recorded. */
export function recordTape<T>(fn: () => T): { result: T; tape: Tape } {
  if (recording !== null) throw new Error("recordTape: a tape is recording already (a captured step cannot capture another)");
  const tape: Tape = { calls: [], checks: [], updated: [] };
  recording = tape;
  try {
    return { result: fn(), tape };
  } finally {
    recording = null;
    lastFill = null;
  }
}

/**
 * Where taped calls draw their random numbers (`draws(rng)`): straight from
 * the generator, except while a captured step checks its first replay. Then
 * the step runs through the graph with its draws written down, and the replay
 * reads them back, so both compute with the same numbers and the generator
 * moves on once, as one step through the graph moves it.
 */
let drawLog: { readonly values: number[]; reading: boolean; read: number } | null = null;

/** A generator to draw from inside a taped call: `rng` itself, unless a check writes its draws down or reads them back. */
export function draws(rng: () => number): () => number {
  const log = drawLog;
  if (log === null) return rng;
  if (!log.reading) {
    return () => {
      const value = rng();
      log.values.push(value);
      return value;
    };
  }
  // A replay that draws more than the graph did is refused by the caller (stopDrawLog's counts).
  return () => (log.read < log.values.length ? log.values[log.read++]! : (log.read++, rng()));
}

/** Write down every draw from now on (the check's run through the graph). */
export function startDrawLog(): void {
  drawLog = { values: [], reading: false, read: 0 };
}

/** Hand the draws written down back, from the first (the check's replay). */
export function readDrawLogBack(): void {
  if (drawLog !== null) drawLog.reading = true;
}

/** Stop, saying how many numbers were written down and how many read back. */
export function stopDrawLog(): { written: number; read: number } {
  const log = drawLog;
  drawLog = null;
  return { written: log?.values.length ?? 0, read: log?.read ?? 0 };
}
