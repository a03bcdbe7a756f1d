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

/** Run `call` now and, while a tape records, keep it to run again on every replay. */
export function onTape(call: () => void): void {
  const recording = calls;
  if (recording === null) return call();
  calls = null; // the kernels `call` reaches are part of it, not calls of their own
  try {
    call();
  } finally {
    calls = recording;
  }
  recording.push(call);
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
  }
}
