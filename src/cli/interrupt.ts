// Ctrl-C during long work: the first one asks the work to stop after the
// current epoch (so the run folder gets what was learned), a second one quits.
export interface Interrupt {
  readonly requested: () => boolean;
  dispose(): void;
}

export function catchInterrupt(what: string): Interrupt {
  let requested = false;
  const onSigint = () => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write(`\nStopping after this epoch; ${what} (Ctrl-C again to quit at once)\n`);
  };
  process.on("SIGINT", onSigint);
  return { requested: () => requested, dispose: () => { process.off("SIGINT", onSigint); } };
}
