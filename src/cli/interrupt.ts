// Ctrl-C during long work. The first one asks the work to stop at its next
// good point (after the current epoch) and still finish its output. It also
// gives SIGINT back its default action, so a second Ctrl-C ends the process at
// once, even in the middle of a long computation; what must not be cut in
// half (moving a run's files into place) is wrapped in hold().
export interface Interrupt {
  readonly requested: () => boolean;
  /** Run synchronous `work` so that a second Ctrl-C waits for it to end, then quits (exit code 130) with `quitMessage`. */
  hold(work: () => void, quitMessage: string): Promise<void>;
  dispose(): void;
}

/** `message` is printed on the first Ctrl-C: what happens now, at the moment it comes. */
export function catchInterrupt(message: () => string): Interrupt {
  let requested = false;
  const onSigint = () => {
    requested = true;
    process.off("SIGINT", onSigint);
    process.stderr.write(`\n${message()} (Ctrl-C again to quit at once)\n`);
  };
  process.on("SIGINT", onSigint);
  return {
    requested: () => requested,
    async hold(work, quitMessage) {
      // Before the first Ctrl-C, onSigint is listening: a Ctrl-C during the work waits for the event loop anyway.
      if (!requested) {
        work();
        return nextTurn();
      }
      let quit = false;
      const later = () => { quit = true; };
      process.on("SIGINT", later);
      try {
        work();
        await nextTurn();
      } finally {
        process.off("SIGINT", later);
      }
      if (quit) {
        process.stderr.write(`\n${quitMessage}\n`);
        process.exit(130);
      }
    },
    dispose: () => { process.off("SIGINT", onSigint); },
  };
}

const testPauseMs = Number(process.env.DAGRAD_TEST_PAUSE_MS ?? 0);

/**
 * Let the event loop run until a Ctrl-C that came during synchronous work has
 * been handled: signals are read in the loop's poll phase, which runs between
 * two setImmediate turns.
 */
async function nextTurn(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A pause between the steps of writing a run. DAGRAD_TEST_PAUSE_MS stretches
 * each one, so the tests can land a Ctrl-C in a chosen step.
 */
export function pause(): Promise<void> {
  return testPauseMs > 0 ? new Promise((resolve) => setTimeout(resolve, testPauseMs)) : new Promise((resolve) => setImmediate(resolve));
}
