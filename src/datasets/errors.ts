import { DagradError } from "../autograd/index.js";

/** A data file that cannot be read as the format says: missing, truncated, bad magic, bad cell. */
export class DatasetError extends DagradError {
  /** The offending file: its path, or the name given for text or bytes (the `source` option of loadCsv, the `sources` of loadIdx). */
  readonly file: string;
  /** What was wrong with it, e.g. "magic number 0x00000802, expected 0x00000803 (images)". */
  readonly detail: string;
  constructor(op: string, file: string, detail: string) {
    super(op, `${file}: ${detail}`);
    this.file = file;
    this.detail = detail;
  }
}
