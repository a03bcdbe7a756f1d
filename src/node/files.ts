// Writing a file so that a crash, a kill or a full disk never leaves it torn:
// the bytes go to a temporary name in the same folder, are flushed to disk,
// and only then renamed over the target (a rename within one file system is
// atomic). Readers see the old file or the new one, never a mix.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Raised when a file cannot be written; the old file at `path`, if any, is untouched. */
export class FileWriteError extends Error {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const why = code === "ENOENT" ? `the folder ${dirname(path)} does not exist; create it first`
      : code === "ENOSPC" ? "the disk is full"
      : code === "EFBIG" ? "the file is larger than this process may write (file-size limit)"
      : code === "EACCES" || code === "EPERM" ? "permission denied"
      : (cause as Error)?.message ?? String(cause);
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
    rmSync(temporary, { force: true });
    throw new FileWriteError(path, e);
  }
}
