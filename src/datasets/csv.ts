// A user's own numeric table, as CSV text (RFC 4180): one sample per record,
// one column of it the label. Cells are separated by the delimiter (default
// ","); a cell in double quotes may hold the delimiter, line breaks and
// quotes (written twice: ""); records end at CRLF, LF or CR; a byte-order
// mark at the start is skipped. Beyond RFC 4180, spaces around a cell are
// ignored and blank lines skipped. Every cell must be a decimal number;
// errors name the line and column (both counted from 1, as an editor shows
// them). Reading a file is loadCsvFile's (dagrad/node): this needs no file system.
import { type DType, DagradError, Tensor } from "../autograd/index.js";
import { type Dataset, allocate } from "./common.js";
import { DatasetError } from "./errors.js";

export interface CsvOptions {
  /** The label column: an index from 0 (negative counts from the end), or a header name. Default -1, the last. */
  labelColumn?: number | string;
  /** Whether the first non-blank record holds column names (default false). */
  header?: boolean;
  /** Cell separator (default ","). */
  delimiter?: string;
  dtype?: DType;
  /** Where the text came from (a file name, a URL), named in errors; default "CSV text". */
  source?: string;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One cell: its text (unquoted, spaces around it removed), the line it starts on, and whether it was quoted. */
interface Cell {
  text: string;
  line: number;
  quoted: boolean;
}

/**
 * x [n, columns - 1] from every column but the label; y [n] from the label column.
 * featureNames lists x's columns when the text has a header, else null.
 */
export function loadCsv(text: string, options: CsvOptions = {}): Dataset & { featureNames: string[] | null } {
  const { header = false, delimiter = ",", labelColumn = -1, source = "CSV text" } = options;
  if (typeof text !== "string") {
    throw new DagradError("loadCsv", `expected the CSV text (a string), got ${text === null ? "null" : typeof text}; to read a file in Node, use loadCsvFile(path) from "dagrad/node"`);
  }
  if (typeof delimiter !== "string" || delimiter === "" || /["\r\n]/.test(delimiter)) {
    throw new DagradError("loadCsv", `delimiter must be a non-empty string without quotes or line breaks, got ${JSON.stringify(delimiter)}`);
  }
  const records = readRecords(text, delimiter, source).filter((cells) => cells.length > 1 || cells[0]!.text !== "" || cells[0]!.quoted);
  const headerRecord = header ? records.shift() : undefined;
  const names = headerRecord?.map((cell) => cell.text) ?? null;
  const reference = headerRecord ?? records[0];
  if (reference === undefined || records.length === 0) throw new DatasetError("loadCsv", source, "no data rows");
  const width = reference.length;
  const referenceLine = reference[0]!.line;
  if (width < 2) {
    // Most often a file separated by something else (";" or tabs): say what separates the cells.
    // Text of one line and one cell that is no number is most likely a path given where the text belongs.
    const line = text.trim();
    const path = !/[\r\n]/.test(line) && !DECIMAL.test(line) ? `; loadCsv reads CSV text: to read the file ${line}, use loadCsvFile(path) from "dagrad/node"` : "";
    throw new DatasetError("loadCsv", source, `line ${referenceLine} has 1 column; expected at least one feature column and the label column, separated by "${delimiter}"${path}`);
  }
  const label = labelIndex(labelColumn, names, width);
  const x = allocate(options.dtype, records.length * (width - 1));
  const y = allocate(options.dtype, records.length);
  records.forEach((cells, row) => {
    if (cells.length !== width) {
      const as = headerRecord ? `the header, line ${referenceLine}` : `line ${referenceLine}`;
      throw new DatasetError("loadCsv", source, `line ${cells[0]!.line} has ${cells.length} cells, expected ${width} as in ${as}`);
    }
    let feature = 0;
    cells.forEach(({ text: cell, line }, column) => {
      const fail = (detail: string): never => {
        throw new DatasetError("loadCsv", source, `line ${line}, column ${column + 1}${names ? ` ("${names[column]}")` : ""}: ${detail}`);
      };
      if (!DECIMAL.test(cell)) fail(cell === "" ? "empty cell" : `"${cell}" is not a number`);
      const target = column === label ? y : x;
      const at = column === label ? row : row * (width - 1) + feature++;
      target[at] = Number(cell);
      // A decimal can still overflow: 1e400 in any dtype, 1e39 in float32.
      if (!Number.isFinite(target[at]!)) {
        fail(Number.isFinite(Number(cell))
          ? `${cell} is too large for float32 (at most about 3.4e38): rescale the column, or load with dtype "float64"`
          : `${cell} is too large for a number (at most about 1.8e308): rescale the column`);
      }
    });
  });
  return {
    x: new Tensor(x, [records.length, width - 1]),
    y: new Tensor(y, [records.length]),
    featureNames: names ? names.filter((_, column) => column !== label) : null,
  };
}

/** Every record's cells, blank lines included (one empty unquoted cell). */
function readRecords(text: string, delimiter: string, source: string): Cell[][] {
  const records: Cell[][] = [];
  let cells: Cell[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const isSpace = (at: number): boolean => (text[at] === " " || text[at] === "\t") && !text.startsWith(delimiter, at);
  for (;;) {
    const start = line;
    let j = i;
    while (isSpace(j)) j++;
    let cell: string;
    const quoted = text[j] === '"';
    if (quoted) {
      // Up to the closing quote; "" inside stands for one quote.
      cell = "";
      for (j++; ; j += 2) {
        const close = text.indexOf('"', j);
        if (close < 0) throw new DatasetError("loadCsv", source, `line ${start}, column ${cells.length + 1}: the quote that opens this cell is never closed`);
        cell += text.slice(j, close);
        line += lineBreaks(text, j, close);
        j = close;
        if (text[close + 1] !== '"') break;
        cell += '"';
      }
      for (j++; isSpace(j); j++);
      if (j < text.length && !text.startsWith(delimiter, j) && text[j] !== "\r" && text[j] !== "\n") {
        throw new DatasetError("loadCsv", source, `line ${line}, column ${cells.length + 1}: text after the closing quote; a quote inside a quoted cell is written twice ("")`);
      }
      cell = cell.trim();
    } else {
      j = i;
      while (j < text.length && text[j] !== "\r" && text[j] !== "\n" && !text.startsWith(delimiter, j)) j++;
      cell = text.slice(i, j).trim();
    }
    cells.push({ text: cell, line: start, quoted });
    if (text.startsWith(delimiter, j)) {
      i = j + delimiter.length;
      continue;
    }
    records.push(cells);
    cells = [];
    if (j >= text.length) return records;
    i = text[j] === "\r" && text[j + 1] === "\n" ? j + 2 : j + 1;
    line++;
  }
}

/** Line breaks (CRLF, LF or CR, each one) in text[from, to). */
function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    if (text[k] === "\n" || (text[k] === "\r" && text[k + 1] !== "\n")) count++;
  }
  return count;
}

function labelIndex(labelColumn: number | string, names: string[] | null, width: number): number {
  if (typeof labelColumn === "string") {
    if (names === null) throw new DagradError("loadCsv", `labelColumn "${labelColumn}" is a name, which needs header: true`);
    const index = names.indexOf(labelColumn);
    if (index < 0) throw new DagradError("loadCsv", `labelColumn "${labelColumn}" is not in the header (${names.join(", ")})`);
    return index;
  }
  const index = labelColumn < 0 ? width + labelColumn : labelColumn;
  if (!Number.isInteger(labelColumn) || index < 0 || index >= width) {
    throw new DagradError("loadCsv", `labelColumn ${labelColumn} is outside the ${width} columns (0..${width - 1}, or -1..-${width} from the end)`);
  }
  return index;
}
