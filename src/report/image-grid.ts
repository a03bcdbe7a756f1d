// Small images in a grid: an MNIST model's first-layer weights (signed, blue
// to red around zero, one scale for all with a colour bar) and misclassified
// digits (grey ink).
import { drawColorBar } from "./color-bar.js";
import { diverging, grey } from "./color.js";
import { raster } from "./raster.js";
import { formatNumber } from "./scale.js";
import { type Figure, element, place, text } from "./svg.js";

export interface ImageGridOptions {
  title: string;
  /** Row-major pixel values, one array per image. */
  images: readonly ArrayLike<number>[];
  imageWidth: number;
  imageHeight: number;
  captions?: readonly string[];
  /** "grey": values in [0, 1] as ink; "signed": blue below 0, white at 0, red above, one scale (the largest |value| of all images) read off a colour bar. */
  colormap: "grey" | "signed";
  /** The colour bar's title for "signed" (default "value"). */
  scaleLabel?: string;
  columns?: number;
  /** Pixel size of one image cell. */
  scale?: number;
}

/** The largest |value| of all images: the end of the shared signed scale. */
function largestMagnitude(images: readonly ArrayLike<number>[]): number {
  let largest = 0;
  for (const image of images) for (let i = 0; i < image.length; i++) if (Number.isFinite(image[i]!)) largest = Math.max(largest, Math.abs(image[i]!));
  return largest;
}

/** 17 levels keep the SVG small; the eye cannot tell more apart at this size. */
const SIGNED_LEVELS = 8;

function colorFor(colormap: ImageGridOptions["colormap"], largest: number): (v: number) => string {
  if (colormap === "grey") return (v) => grey(Math.round(Math.min(1, Math.max(0, v)) * 16) / 16);
  return (v) => diverging(0.5 + Math.round((largest === 0 ? 0 : Math.max(-1, Math.min(1, v / largest))) * SIGNED_LEVELS) / (2 * SIGNED_LEVELS));
}

export function imageGrid(options: ImageGridOptions): Figure {
  const scale = options.scale ?? 3;
  const columns = Math.min(options.columns ?? 8, Math.max(1, options.images.length));
  const cellW = options.imageWidth * scale, cellH = options.imageHeight * scale;
  const captionH = options.captions ? 16 : 0;
  const gap = 8, top = 34;
  const rows = Math.ceil(options.images.length / columns);
  const signed = options.colormap === "signed";
  const gridWidth = Math.max(columns * (cellW + gap) + gap, 260);
  const width = gridWidth + (signed ? 84 : 0);
  const height = top + rows * (cellH + captionH + gap) + gap;
  const largest = largestMagnitude(options.images);
  const color = colorFor(options.colormap, largest);
  const parts = [text(gridWidth / 2, 22, options.title, { size: 14, anchor: "middle", weight: "bold", className: "title" })];
  if (signed) {
    const end = (v: number) => formatNumber(Number(v.toPrecision(2)));
    parts.push(drawColorBar({
      colors: Array.from({ length: 2 * SIGNED_LEVELS + 1 }, (_, k) => diverging(k / (2 * SIGNED_LEVELS))),
      labels: [[1, end(largest)], [0.5, "0"], [0, end(-largest)]],
      title: options.scaleLabel ?? "value",
      left: gridWidth + 4, top, width: 14, height: Math.max(60, Math.min(height - top - gap, 240)), titleGap: 50,
    }));
  }
  options.images.forEach((image, n) => {
    const left = gap + (n % columns) * (cellW + gap);
    const cellTop = top + Math.floor(n / columns) * (cellH + captionH + gap);
    const box = { left: 0, top: 0, width: cellW, height: cellH };
    const picture = raster(options.imageWidth, options.imageHeight, (c, r) => color(image[r * options.imageWidth + c]!), box)
      + element("rect", { width: cellW, height: cellH, fill: "none", stroke: "#999" });
    const caption = options.captions?.[n];
    const captionText = caption ? text(cellW / 2, cellH + 12, caption, { size: 10, anchor: "middle", className: "caption" }) : "";
    parts.push(element("g", { class: "image" }, place({ width: cellW, height: cellH, body: picture + captionText }, left, cellTop)));
  });
  return { width, height, body: parts.join("") };
}
