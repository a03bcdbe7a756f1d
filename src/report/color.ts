// Colours: a categorical palette for series and classes, and the colour maps
// the pictures need (diverging blue-white-red, sequential dark-to-light, grey).

/** Series colours (the widely used "category10" set). */
const SERIES_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** Class 0 blue and class 1 red, as in the source notebook's scatter plots; then more for multi-class sets. */
export const CLASS_COLORS = ["#2166ac", "#b2182b", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];

/** Training and test data keep one colour each in every picture: blue and orange, as their loss curves. */
export const PART_COLORS = { train: "#1f77b4", test: "#ff7f0e" } as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

export function classColor(index: number): string {
  return CLASS_COLORS[index % CLASS_COLORS.length]!;
}

export type Rgb = [number, number, number];

/** "#rrggbb" as [r, g, b], each 0..255. */
export function parseHex(hex: string): Rgb {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: Rgb): string {
  return "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

/** Colour at t in [0, 1] along evenly spaced stops, its channels unrounded. */
function alongRgb(stops: readonly Rgb[], t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const position = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(position));
  const f = position - i;
  const a = stops[i]!, b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

function along(stops: readonly string[], t: number): string {
  return toHex(alongRgb(stops.map(parseHex), t));
}

const DIVERGING = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"];
const DIVERGING_RGB = DIVERGING.map(parseHex);

/** 0 -> blue (class 0), 0.5 -> near white, 1 -> red (class 1). */
export function diverging(t: number): string {
  return along(DIVERGING, t);
}

/** diverging(t) as [r, g, b], each 0..255: the same colour without writing and reading a string (a canvas asks for thousands a frame). */
export function divergingRgb(t: number): Rgb {
  const [r, g, b] = alongRgb(DIVERGING_RGB, t);
  return [Math.round(r), Math.round(g), Math.round(b)];
}

/** 0 -> dark blue, 1 -> yellow, evenly brighter in between (viridis's stops): low loss dark, high loss light. */
export function sequential(t: number): string {
  return along(["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"], t);
}

/** 0 -> white, 1 -> black (digits are dark ink on white paper). */
export function grey(t: number): string {
  return along(["#ffffff", "#000000"], t);
}

/** A class colour faded toward white: strength 0 is white, 1 the full colour. */
export function tint(hex: string, strength: number): string {
  return along(["#ffffff", hex], strength);
}
