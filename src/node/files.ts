// Writing a file so that a crash, a kill or a full disk never leaves it torn:
// the bytes go to a temporary name in the same folder, are flushed to disk,
// and only then renamed over the target (a rename within one file system is
// atomic). Readers see the old file or the new one, never a mix.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { systemError } from "../autograd/system-errors.js";

/** Raised when a file cannot be written; the old file at `path`, if any, is untouched. */
export class FileWriteError extends Error {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    // A missing folder is named here: the path tells which one.
    const why = code === "ENOENT" ? `the folder ${dirname(path)} does not exist; create it first`
      : systemError(code)?.reason ?? (cause as Error)?.message ?? String(cause);
    super(`cannot write ${path}: ${why}${code !== undefined && !why.includes(code) ? ` (${code})` : ""}`);
    this.name = "FileWriteError";
    this.path = path;
    this.code = code;
  }
}

let counter = 0;

/** Write `data` to `path` atomically (temporary file, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temporary, "w");
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temporary, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    // force ignores only ENOENT: a folder path through a file (ENOTDIR) would throw here and hide e.
    try { rmSync(temporary, { force: true }); } catch { /* no temporary file could be made */ }
    throw new FileWriteError(path, e);
  }
}
