// What a system error code (Node's error.code when a file or folder cannot be
// written) means in plain words, and what usually helps. One table for every
// place dagrad writes files (src/node, src/nn's SaveError, the CLI's output
// folder); each adds its own context. It sits beside DagradError, the lowest
// layer those three may all import, and needs no node: module.

export interface SystemErrorText {
  /** Why, as a clause about the path: "the disk is full". */
  reason: string;
  /** What usually helps someone saving a file, when one thing does. */
  fix?: string;
}

const SYSTEM_ERRORS: Readonly<Record<string, SystemErrorText>> = {
  ENOENT: { reason: "a folder on the path does not exist" },
  ENOTDIR: { reason: "part of the path is a file, not a folder" },
  // mkdir's answer when the name is taken by a file.
  EEXIST: { reason: "it is a file, not a folder" },
  EISDIR: { reason: "it is a folder, not a file", fix: "give a file name" },
  ENOSPC: { reason: "the disk is full", fix: "free some space or save elsewhere" },
  EDQUOT: { reason: "the disk quota is used up", fix: "free some space or save elsewhere" },
  EFBIG: { reason: "the file is larger than this process may write (file-size limit)", fix: "raise the file-size limit (ulimit -f) or save elsewhere" },
  EACCES: { reason: "permission denied", fix: "save into a folder you may write to" },
  EPERM: { reason: "permission denied", fix: "save into a folder you may write to" },
  EROFS: { reason: "the file system is read-only", fix: "save elsewhere" },
};

/** The plain-language reason (and fix) for a system error code; undefined for a code not in the table, or none. */
export function systemError(code: string | undefined): SystemErrorText | undefined {
  return code !== undefined && Object.hasOwn(SYSTEM_ERRORS, code) ? SYSTEM_ERRORS[code] : undefined;
}
