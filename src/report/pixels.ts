// The pictures a live page redraws many times a second, as RGBA pixels for a
// canvas (one pixel per grid node) instead of SVG: the decision boundary's
// bands in decisionBoundary's colours, and a value map (what one hidden unit
// outputs over the input plane) in the diverging blue-white-red map.
import { type Rgb, divergingRgb, parseHex } from "./color.js";
import { type OutputGrid, bandColor } from "./decision-boundary.js";

/** Painted where a value is NaN or infinite: no colour of the map means "no number". */
const NOT_A_NUMBER: Rgb = [0, 0, 0];

function image(nx: number, ny: number, colorAt: (i: number, j: number) => Readonly<Rgb>): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(nx * ny * 4);
  for (let row = 0; row < ny; row++) {
    // Row 0 is the top of the picture: the largest y.
    const j = ny - 1 - row;
    for (let i = 0; i < nx; i++) {
      const [r, g, b] = colorAt(i, j);
      const at = (row * nx + i) * 4;
      pixels[at] = r;
      pixels[at + 1] = g;
      pixels[at + 2] = b;
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

/** The bands' colours as [r, g, b], each read once: a picture has few distinct bands and thousands of nodes. */
const bandRgb = new Map<string, Rgb>();

/** decisionBoundary's bands of `grid`, one RGBA pixel per node, row 0 at the top. */
export function boundaryPixels(grid: OutputGrid): Uint8ClampedArray<ArrayBuffer> {
  return image(grid.xs.length, grid.ys.length, (i, j) => {
    const hex = bandColor(grid, i, j);
    let rgb = bandRgb.get(hex);
    if (rgb === undefined) {
      rgb = parseHex(hex);
      bandRgb.set(hex, rgb);
    }
    return rgb;
  });
}

/**
 * Values of an nx x ny grid (node (i, j) at j * nx + i) in the diverging map
 * over [low, high]: low blue, the midpoint white, high red, clamped beyond;
 * NaN and infinities black. One RGBA pixel per node, row 0 at the top.
 */
export function valuePixels(values: ArrayLike<number>, nx: number, ny: number, [low, high]: readonly [number, number]): Uint8ClampedArray<ArrayBuffer> {
  return image(nx, ny, (i, j) => {
    const v = values[j * nx + i]!;
    return Number.isFinite(v) ? divergingRgb((v - low) / (high - low)) : NOT_A_NUMBER;
  });
}
