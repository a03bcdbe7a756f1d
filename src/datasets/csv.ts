// A user's own numeric table: one sample per line, one column of it the label.
// Every cell must be a decimal number; errors name the line and column (both
// counted from 1, as an editor shows them).
import { readFileSync } from "node:fs";
import { type DType, DagradError, Tensor } from "../autograd/index.js";
import { type Dataset, allocate } from "./common.js";
import { DatasetError } from "./errors.js";

export interface CsvOptions {
  /** The label column: an index from 0 (negative counts from the end), or a header name. Default -1, the last. */
  labelColumn?: number | string;
  /** Whether the first non-blank line holds column names (default false). */
  header?: boolean;
  /** Cell separator (default ","). */
  delimiter?: string;
  dtype?: DType;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * x [n, columns - 1] from every column but the label; y [n] from the label column.
 * Blank lines are skipped; a cell may be wrapped in double quotes.
 * featureNames lists x's columns when the file has a header, else null.
 */
export function loadCsv(path: string, options: CsvOptions = {}): Dataset & { featureNames: string[] | null } {
  const { header = false, delimiter = ",", labelColumn = -1 } = options;
  if (delimiter === "") throw new DagradError("loadCsv", "delimiter must be a non-empty string");
  const lines = readLines(path)
    .map((text, i) => ({ number: i + 1, text }))
    .filter((line) => line.text.trim() !== "")
    .map(({ number, text }) => ({ number, cells: text.split(delimiter).map(unquoted) }));
  const headerLine = header ? lines.shift() : undefined;
  const names = headerLine?.cells ?? null;
  const reference = headerLine ?? lines[0];
  if (reference === undefined || lines.length === 0) throw new DatasetError("loadCsv", path, "no data rows");
  const width = reference.cells.length;
  if (width < 2) {
    // Most often a file separated by something else (";" or tabs): say what separates the cells.
    throw new DatasetError("loadCsv", path, `line ${reference.number} has 1 column; expected at least one feature column and the label column, separated by "${delimiter}"`);
  }
  const label = labelIndex(labelColumn, names, width);
  const x = allocate(options.dtype, lines.length * (width - 1));
  const y = allocate(options.dtype, lines.length);
  lines.forEach(({ number, cells }, row) => {
    if (cells.length !== width) {
      const as = headerLine ? `the header, line ${reference.number}` : `line ${reference.number}`;
      throw new DatasetError("loadCsv", path, `line ${number} has ${cells.length} cells, expected ${width} as in ${as}`);
    }
    let feature = 0;
    cells.forEach((cell, column) => {
      const fail = (detail: string): never => {
        throw new DatasetError("loadCsv", path, `line ${number}, column ${column + 1}${names ? ` ("${names[column]}")` : ""}: ${detail}`);
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
    x: new Tensor(x, [lines.length, width - 1]),
    y: new Tensor(y, [lines.length]),
    featureNames: names ? names.filter((_, column) => column !== label) : null,
  };
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  } catch (error) {
    throw new DatasetError("loadCsv", path, `cannot read the file: ${(error as Error).message}`);
  }
}

function unquoted(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
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
