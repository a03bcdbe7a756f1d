// The tape of a captured training step (autograd's captureStep): while one
// records, every kernel call that writes a tensor's data is kept, with the
// very buffers it wrote, so the step can run again as those calls alone: no
// graph, no tensors, no allocation. Every kernel here starts with
//   if (taping()) return onTape(() => kernel(...same arguments));
// and code above the kernels that reads or writes data in JavaScript either
// goes on the tape the same way or refuses to be captured (autograd/capture.ts).

/** The calls recorded so far, or null when nothing records (the usual case). */
let calls: (() => void)[] | null = null;

export function taping(): boolean {
  return calls !== null;
}

/** The zero fill recorded last, while it is the tape's last call: the next call may make it needless. */
let lastFill: { buffer: Float32Array | Float64Array; at: number } | null = null;

/**
 * Run `call` now and, while a tape records, keep it to run again on every
 * replay. `overwrites`: a buffer `call` writes whole, whatever it held; a
 * replay need not zero it first if nothing touched it since it was made.
 */
export function onTape(call: () => void, overwrites: Float32Array | Float64Array | null = null): void {
  const recording = calls;
  if (recording === null) return call();
  calls = null; // the kernels `call` reaches are part of it, not calls of their own
  try {
    call();
  } finally {
    calls = recording;
  }
  if (lastFill !== null && lastFill.buffer === overwrites && lastFill.at === recording.length - 1) recording.pop();
  lastFill = null;
  recording.push(call);
}

/**
 * While a tape records: `buffer` was just made (zeroed) for an op's output,
 * and ops count on that (a padded slice, a gradient summed into); a replay
 * zeroes it again at this point, unless the op's kernel then writes it whole.
 */
export function zeroOnReplay(buffer: Float32Array | Float64Array): void {
  const recording = calls;
  if (recording === null) return;
  recording.push(() => buffer.fill(0));
  lastFill = { buffer, at: recording.length - 1 };
}

/** Run fn with a fresh tape; returns what it returned and the calls it recorded. */
export function recordTape<T>(fn: () => T): { result: T; calls: (() => void)[] } {
  if (calls !== null) throw new Error("recordTape: a tape is recording already (a captured step cannot capture another)");
  const recorded: (() => void)[] = [];
  calls = recorded;
  try {
    return { result: fn(), calls: recorded };
  } finally {
    calls = null;
    lastFill = null;
  }
}
