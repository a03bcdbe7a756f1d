// The two live pictures, on canvases: the decision boundary with the points,
// and the network with each unit's picture and its weights as edges. Colours
// and lines come from src/report (the SVG pictures' own), numbers from the worker.
import { CLASS_COLORS } from "../../src/report/color.js";
import { boundarySegments } from "../../src/report/decision-boundary.js";
import { boundaryPixels, valuePixels } from "../../src/report/pixels.js";
import type { ClickedPoint } from "../config.js";
import type { Frame, Layout, Points, SampleSet } from "../session.js";

/** The data range a canvas shows: the grid's nodes are the centres of its cells. */
export interface View {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

interface Box {
  left: number;
  right: number;
  bottom: number;
  top: number;
}

function extent(view: View): Box {
  const nx = view.xs.length, ny = view.ys.length;
  const dx = (view.xs[nx - 1]! - view.xs[0]!) / (nx - 1), dy = (view.ys[ny - 1]! - view.ys[0]!) / (ny - 1);
  return { left: view.xs[0]! - dx / 2, right: view.xs[nx - 1]! + dx / 2, bottom: view.ys[0]! - dy / 2, top: view.ys[ny - 1]! + dy / 2 };
}

/** Canvas pixels (CSS) of a data point, and back. */
export function toCanvas(view: View, size: number, x: number, y: number): [number, number] {
  const b = extent(view);
  return [((x - b.left) / (b.right - b.left)) * size, ((b.top - y) / (b.top - b.bottom)) * size];
}

export function fromCanvas(view: View, size: number, px: number, py: number): [number, number] {
  const b = extent(view);
  return [b.left + (px / size) * (b.right - b.left), b.top - (py / size) * (b.top - b.bottom)];
}

/**
 * A canvas's size in CSS pixels: the width and height the page's HTML gives it.
 * Kept in data attributes on first use, since context() then sets the width
 * and height (attributes too) to the bitmap's size in device pixels.
 */
export function cssSize(canvas: HTMLCanvasElement): { width: number; height: number } {
  canvas.dataset.width ??= canvas.getAttribute("width")!;
  canvas.dataset.height ??= canvas.getAttribute("height")!;
  return { width: Number(canvas.dataset.width), height: Number(canvas.dataset.height) };
}

/** A canvas at the screen's pixel density, drawn in CSS pixels. */
export function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = cssSize(canvas);
  if (canvas.dataset.ratio !== String(ratio)) {
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.dataset.ratio = String(ratio);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** Scratch canvases by size: a new canvas element for every picture of every frame cost more than drawing it. */
const scratch = new Map<string, HTMLCanvasElement>();

/** An RGBA image as a canvas, to draw scaled at once: the next image of its size overwrites it. */
function bitmap(pixels: Uint8ClampedArray<ArrayBuffer>, width: number, height: number): HTMLCanvasElement {
  let canvas = scratch.get(`${width}x${height}`);
  if (canvas === undefined) {
    canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    scratch.set(`${width}x${height}`, canvas);
  }
  canvas.getContext("2d")!.putImageData(new ImageData(pixels, width, height), 0, 0);
  return canvas;
}

export interface BoundaryScene {
  layout: Layout | null;
  frame: Frame | null;
  /** The range shown when there is no layout (the custom canvas before it holds two classes). */
  view: View;
  showTest: boolean;
  selected: { set: SampleSet; index: number } | null;
  /** Custom points drawn while the settings cannot train. */
  pending: readonly ClickedPoint[];
}

function drawPoints(ctx: CanvasRenderingContext2D, view: View, size: number, points: Points, ring: string): void {
  for (let i = 0; i < points.labels.length; i++) {
    const [x, y] = toCanvas(view, size, points.xy[2 * i]!, points.xy[2 * i + 1]!);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLORS[points.labels[i]!]!;
    ctx.fill();
    ctx.lineWidth = ring === "#ffffff" ? 2 : 1;
    ctx.strokeStyle = ring;
    ctx.stroke();
  }
}

/** The points over the boundary and the selected one's ring, drawn once per run, choice of test points and selection: hundreds of circles cost more than the rest of a frame. */
let pointsCache: { key: string; layout: Layout; canvas: HTMLCanvasElement } | null = null;

function pointsLayer(layout: Layout, scene: BoundaryScene, size: number): HTMLCanvasElement {
  const ratio = window.devicePixelRatio || 1;
  const key = JSON.stringify([scene.showTest, scene.selected, size, ratio]);
  if (pointsCache !== null && pointsCache.layout === layout && pointsCache.key === key) return pointsCache.canvas;
  const canvas = pointsCache?.canvas ?? document.createElement("canvas");
  canvas.width = Math.round(size * ratio);
  canvas.height = Math.round(size * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const view = layout.boundary;
  drawPoints(ctx, view, size, layout.train, "#222222");
  if (scene.showTest && layout.test !== null) drawPoints(ctx, view, size, layout.test, "#ffffff");
  const selected = scene.selected === null ? null : scene.selected.set === "train" ? layout.train : layout.test;
  if (selected !== null && scene.selected!.index < selected.labels.length) {
    const [x, y] = toCanvas(view, size, selected.xy[2 * scene.selected!.index]!, selected.xy[2 * scene.selected!.index + 1]!);
    ctx.beginPath();
    ctx.arc(x, y, 9, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#ff9900";
    ctx.stroke();
  }
  pointsCache = { key, layout, canvas };
  return canvas;
}

export function drawBoundary(canvas: HTMLCanvasElement, scene: BoundaryScene): void {
  const size = cssSize(canvas).width;
  const ctx = context(canvas);
  ctx.clearRect(0, 0, size, size);
  const { layout, frame } = scene;
  const view = layout?.boundary ?? scene.view;
  if (layout !== null && frame !== null && frame.boundary.every(Number.isFinite)) {
    // One value per node for one output (p(class 1), or the output value), else one per class.
    const classes = frame.boundary.length / (view.xs.length * view.ys.length);
    const grid = { xs: Array.from(view.xs), ys: Array.from(view.ys), classes, values: frame.boundary, reading: layout.reading === "value" ? "value" as const : "probability" as const };
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(bitmap(boundaryPixels(grid), view.xs.length, view.ys.length), 0, 0, size, size);
    // The line where the predicted class changes, from node coordinates to canvas pixels.
    const nx = view.xs.length, ny = view.ys.length;
    const node = ([i, j]: [number, number]): [number, number] => [((i + 0.5) / nx) * size, (1 - (j + 0.5) / ny) * size];
    ctx.beginPath();
    for (const [a, b] of boundarySegments(grid)) {
      ctx.moveTo(...node(a));
      ctx.lineTo(...node(b));
    }
    ctx.lineWidth = 1.6;
    ctx.strokeStyle = "#222222";
    ctx.stroke();
  } else {
    ctx.fillStyle = "#f4f4f4";
    ctx.fillRect(0, 0, size, size);
  }
  if (layout !== null) {
    ctx.drawImage(pointsLayer(layout, scene, size), 0, 0, size, size);
  } else {
    const xy = Float32Array.from(scene.pending.flatMap((p) => [p.x, p.y]));
    drawPoints(ctx, view, size, { xy, labels: Int32Array.from(scene.pending, (p) => p.label) }, "#222222");
  }
}

/** The nearest drawn point within `radius` CSS pixels of (px, py), or null. */
export function pointAt(layout: Layout, size: number, px: number, py: number, showTest: boolean, radius = 8): { set: SampleSet; index: number } | null {
  let best: { set: SampleSet; index: number } | null = null;
  let bestDistance = radius;
  const sets: [SampleSet, Points | null][] = [["train", layout.train], ["test", showTest ? layout.test : null]];
  for (const [set, points] of sets) {
    if (points === null) continue;
    for (let i = 0; i < points.labels.length; i++) {
      const [x, y] = toCanvas(layout.boundary, size, points.xy[2 * i]!, points.xy[2 * i + 1]!);
      const d = Math.hypot(x - px, y - py);
      if (d <= bestDistance) {
        bestDistance = d;
        best = { set, index: i };
      }
    }
  }
  return best;
}

/** The colour range of a layer's pictures: an activation's own where it is bounded, else ± the layer's largest |value|. */
function range(activation: string, values: readonly Float32Array[], probability: boolean): [number, number] {
  if (activation === "tanh") return [-1, 1];
  if (activation === "sigmoid" || probability) return [0, 1];
  let largest = 1e-12;
  for (const unit of values) for (const v of unit) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  return [-largest, largest];
}

export function drawNetwork(canvas: HTMLCanvasElement, layout: Layout | null, frame: Frame | null): void {
  const { width, height } = cssSize(canvas);
  const ctx = context(canvas);
  ctx.clearRect(0, 0, width, height);
  if (layout === null || frame === null) return;
  const nx = layout.units.xs.length, ny = layout.units.ys.length;
  // Columns: the two inputs, then every layer's units.
  const inputs = [0, 1].map((f) => Float32Array.from({ length: nx * ny }, (_, k) => (f === 0 ? layout.units.xs[k % nx]! : layout.units.ys[Math.floor(k / nx)]!)));
  const columns = [inputs, ...frame.units];
  // Hidden layers by activation when there are few, by number when the columns are narrow.
  const hidden = layout.activations.length - 1;
  const labels = ["input", ...layout.activations.slice(0, -1).map((a, l) => (hidden <= 4 ? a : String(l + 1))), `output (${layout.activations[hidden]})`];
  const widest = Math.max(...columns.map((c) => c.length));
  const top = 22, bottom = 6;
  const thumb = Math.max(8, Math.min(40, Math.floor((height - top - bottom) / widest) - 4));
  const gap = (width - thumb) / (columns.length - 1);
  const at = (c: number, u: number): [number, number] => {
    const n = columns[c]!.length;
    const span = n * (thumb + 4) - 4;
    return [c * gap, top + (height - top - bottom - span) / 2 + u * (thumb + 4)];
  };
  // Edges first, under the pictures: colour by sign, width and opacity by |w| against the layer's largest.
  frame.weights.forEach(({ weight }, l) => {
    const fanIn = columns[l]!.length, fanOut = columns[l + 1]!.length;
    let largest = 1e-12;
    for (const w of weight) if (Number.isFinite(w)) largest = Math.max(largest, Math.abs(w));
    for (let o = 0; o < fanOut; o++) {
      for (let i = 0; i < fanIn; i++) {
        const w = weight[o * fanIn + i]!;
        const strength = Number.isFinite(w) ? Math.abs(w) / largest : 1;
        const [x1, y1] = at(l, i), [x2, y2] = at(l + 1, o);
        ctx.beginPath();
        ctx.moveTo(x1 + thumb, y1 + thumb / 2);
        ctx.lineTo(x2, y2 + thumb / 2);
        ctx.lineWidth = 0.3 + 2.7 * strength;
        ctx.strokeStyle = w >= 0 ? `rgba(178, 24, 43, ${0.15 + 0.85 * strength})` : `rgba(33, 102, 172, ${0.15 + 0.85 * strength})`;
        ctx.stroke();
      }
    }
  });
  ctx.imageSmoothingEnabled = true;
  ctx.font = "11px Helvetica, Arial, sans-serif";
  ctx.fillStyle = "#222222";
  columns.forEach((units, c) => {
    const probability = c === columns.length - 1 && layout.reading === "probability" && layout.activations[c - 1] !== "identity";
    const [low, high] = c === 0 ? [Math.min(layout.units.xs[0]!, layout.units.ys[0]!), Math.max(layout.units.xs[nx - 1]!, layout.units.ys[ny - 1]!)] : range(layout.activations[c - 1]!, units, probability);
    units.forEach((values, u) => {
      const [x, y] = at(c, u);
      ctx.drawImage(bitmap(valuePixels(values, nx, ny, [low, high]), nx, ny), x, y, thumb, thumb);
      ctx.strokeStyle = "#555555";
      ctx.lineWidth = 0.5;
      ctx.strokeRect(x, y, thumb, thumb);
    });
    // Labels centred over their column, the first and last kept inside the canvas.
    ctx.textAlign = c === 0 ? "left" : c === columns.length - 1 ? "right" : "center";
    ctx.fillText(labels[c]!, c === 0 ? 0 : c === columns.length - 1 ? width : c * gap + thumb / 2, 12);
  });
}
