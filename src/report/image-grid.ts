// Small images in a grid: an MNIST model's first-layer weights (signed, blue
// to red around zero) and misclassified digits (grey ink).
import { diverging, grey } from "./color.js";
import { raster } from "./raster.js";
import { type Figure, element, place, text } from "./svg.js";

export interface ImageGridOptions {
  title: string;
  /** Row-major pixel values, one array per image. */
  images: readonly ArrayLike<number>[];
  imageWidth: number;
  imageHeight: number;
  captions?: readonly string[];
  /** "grey": values in [0, 1] as ink; "signed": each image scaled by its largest |value|, 0 is white. */
  colormap: "grey" | "signed";
  columns?: number;
  /** Pixel size of one image cell. */
  scale?: number;
}

function colorFor(image: ArrayLike<number>, colormap: ImageGridOptions["colormap"]): (v: number) => string {
  if (colormap === "grey") return (v) => grey(Math.round(Math.min(1, Math.max(0, v)) * 16) / 16);
  let largest = 0;
  for (let i = 0; i < image.length; i++) largest = Math.max(largest, Math.abs(image[i]!));
  // 17 levels keep the SVG small; the eye cannot tell more apart at this size.
  return (v) => diverging(0.5 + Math.round((largest === 0 ? 0 : v / largest) * 8) / 16);
}

export function imageGrid(options: ImageGridOptions): Figure {
  const scale = options.scale ?? 3;
  const columns = Math.min(options.columns ?? 8, Math.max(1, options.images.length));
  const cellW = options.imageWidth * scale, cellH = options.imageHeight * scale;
  const captionH = options.captions ? 16 : 0;
  const gap = 8, top = 34;
  const rows = Math.ceil(options.images.length / columns);
  const width = Math.max(columns * (cellW + gap) + gap, 260);
  const height = top + rows * (cellH + captionH + gap) + gap;
  const parts = [text(width / 2, 22, options.title, { size: 14, anchor: "middle", weight: "bold", className: "title" })];
  options.images.forEach((image, n) => {
    const left = gap + (n % columns) * (cellW + gap);
    const cellTop = top + Math.floor(n / columns) * (cellH + captionH + gap);
    const color = colorFor(image, options.colormap);
    const box = { left: 0, top: 0, width: cellW, height: cellH };
    const picture = raster(options.imageWidth, options.imageHeight, (c, r) => color(image[r * options.imageWidth + c]!), box)
      + element("rect", { width: cellW, height: cellH, fill: "none", stroke: "#999" });
    const caption = options.captions?.[n];
    const captionText = caption ? text(cellW / 2, cellH + 12, caption, { size: 10, anchor: "middle", className: "caption" }) : "";
    parts.push(element("g", { class: "image" }, place({ width: cellW, height: cellH, body: picture + captionText }, left, cellTop)));
  });
  return { width, height, body: parts.join("") };
}
