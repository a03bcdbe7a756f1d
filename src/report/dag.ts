// The autograd graph as a picture: a layered drawing of graphNodes(root), the
// loss on top and every tensor one row under the lowest op that reads it. Op nodes show
// op and shape; leaves show their name, shape and gradient norm.
import { Tensor, formatShape, graphNodes } from "../autograd/index.js";
import { type Figure, element, px, text, textWidth } from "./svg.js";

interface Box {
  tensor: Tensor;
  lines: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

function gradNorm(t: Tensor): number {
  let s = 0;
  for (const v of t.grad!.data) s += v * v;
  return Math.sqrt(s);
}

function labelLines(t: Tensor): string[] {
  const shape = formatShape(t.shape);
  if (t.op) return [t.op, shape];
  const lines = [t.name ?? (t.requiresGrad ? "leaf" : "input"), shape];
  if (t.grad) lines.push(`|grad| ${gradNorm(t).toPrecision(4)}`);
  return lines;
}

/**
 * Rows counted down from the loss: each tensor one row below its lowest
 * consumer, so it sits close to what reads it and every edge points up.
 */
function assignRows(nodes: readonly Tensor[]): Map<Tensor, number> {
  const row = new Map<Tensor, number>();
  for (let n = nodes.length - 1; n >= 0; n--) {
    const t = nodes[n]!;
    const own = row.get(t) ?? 0;
    row.set(t, own);
    for (const input of t.inputs) row.set(input, Math.max(row.get(input) ?? 0, own + 1));
  }
  return row;
}

/** Order each row by the mean position of its neighbours, a few sweeps each way, to cut crossings. */
function orderRows(nodes: readonly Tensor[], rowOf: Map<Tensor, number>): Tensor[][] {
  const depth = Math.max(...rowOf.values()) + 1;
  const rows: Tensor[][] = Array.from({ length: depth }, () => []);
  for (const t of nodes) rows[rowOf.get(t)!]!.push(t);
  const consumers = new Map<Tensor, Tensor[]>(nodes.map((t) => [t, nodes.filter((c) => c.inputs.includes(t))]));
  const position = new Map<Tensor, number>();
  const record = () => rows.forEach((r) => r.forEach((t, i) => position.set(t, (i + 0.5) / r.length)));
  const mean = (ts: readonly Tensor[], own: Tensor) =>
    ts.length === 0 ? position.get(own)! : ts.reduce((s, t) => s + position.get(t)!, 0) / ts.length;
  record();
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let r = 1; r < depth; r++) {
      rows[r]!.sort((a, b) => mean(consumers.get(a)!, a) - mean(consumers.get(b)!, b));
      record();
    }
    for (let r = depth - 2; r >= 0; r--) {
      rows[r]!.sort((a, b) => mean(a.inputs, a) - mean(b.inputs, b));
      record();
    }
  }
  return rows;
}

function arrowHead(x: number, y: number): string {
  return element("polygon", { points: `${px(x)},${px(y)} ${px(x - 4)},${px(y + 8)} ${px(x + 4)},${px(y + 8)}`, fill: "#555" });
}

export interface DagFigureOptions {
  /** More lines under a node's label (e.g. its value and gradient); `index` is its position in graphNodes(root). */
  extraLines?: (t: Tensor, index: number) => readonly string[];
  /** Give each node's group a data-node attribute holding that index, so a page can tell which node was clicked. */
  indexAttributes?: boolean;
}

export function dagFigure(root: Tensor, title = "Autograd graph", options: DagFigureOptions = {}): Figure {
  const nodes = graphNodes(root);
  const indexOf = new Map(nodes.map((t, i) => [t, i]));
  const rows = orderRows(nodes, assignRows(nodes));
  const rowH = 84 + 14 * Math.max(0, ...nodes.map((t, i) => options.extraLines?.(t, i).length ?? 0));
  const gapX = 18, top = 44, margin = 16;
  const boxes = new Map<Tensor, Box>();
  rows.forEach((row) => row.forEach((tensor) => {
    const lines = [...labelLines(tensor), ...(options.extraLines?.(tensor, indexOf.get(tensor)!) ?? [])];
    const width = Math.max(...lines.map((s) => textWidth(s, 11))) + 16;
    boxes.set(tensor, { tensor, lines, x: 0, y: 0, width, height: lines.length * 14 + 10 });
  }));
  const rowWidth = (row: Tensor[]) => row.reduce((s, t) => s + boxes.get(t)!.width, 0) + gapX * (row.length - 1);
  const width = Math.max(320, textWidth(title, 15) + 20, ...rows.map(rowWidth)) + 2 * margin;
  const height = top + rows.length * rowH + margin;
  rows.forEach((row, r) => {
    let x = (width - rowWidth(row)) / 2;
    for (const t of row) {
      const box = boxes.get(t)!;
      box.x = x;
      box.y = top + r * rowH + (rowH - 20 - box.height) / 2;
      x += box.width + gapX;
    }
  });

  const parts = [text(width / 2, 24, title, { size: 15, anchor: "middle", weight: "bold", className: "title" })];
  for (const consumer of nodes) {
    const to = boxes.get(consumer)!;
    for (const input of consumer.inputs) {
      const from = boxes.get(input)!;
      const x1 = from.x + from.width / 2, y1 = from.y;
      const x2 = to.x + to.width / 2, y2 = to.y + to.height + 8;
      const bend = (y1 - y2) / 2;
      parts.push(element("path", { d: `M${px(x1)} ${px(y1)}C${px(x1)} ${px(y1 - bend)} ${px(x2)} ${px(y2 + bend)} ${px(x2)} ${px(y2)}`, fill: "none", stroke: "#555", class: "edge" }));
      parts.push(arrowHead(x2, to.y + to.height));
    }
  }
  for (const box of boxes.values()) {
    const t = box.tensor;
    const kind = t.op ? "op" : t.requiresGrad ? "parameter" : "constant";
    const fill = { op: "#dbe9f6", parameter: "#fde0c5", constant: "#eeeeee" }[kind];
    const rect = element("rect", { x: box.x, y: box.y, width: box.width, height: box.height, rx: t.op ? 3 : 10, fill, stroke: "#555" });
    const lines = box.lines.map((line, i) => text(box.x + box.width / 2, box.y + 17 + i * 14, line, { size: 11, anchor: "middle", weight: i === 0 ? "bold" : "normal" })).join("");
    parts.push(element("g", { class: `node ${kind}`, "data-node": options.indexAttributes ? String(indexOf.get(t)) : undefined }, rect + lines));
  }
  return { width, height, body: parts.join("") };
}
