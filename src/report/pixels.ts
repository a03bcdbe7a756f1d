// The pictures a live page redraws many times a second, as RGBA pixels for a
// canvas (one pixel per grid node) instead of SVG: the decision boundary's
// bands in decisionBoundary's colours, and a value map (what one hidden unit
// outputs over the input plane) in the diverging blue-white-red map.
import { diverging, parseHex } from "./color.js";
import { type OutputGrid, bandColor } from "./decision-boundary.js";

/** Painted where a value is NaN or infinite: no colour of the map means "no number". */
const NOT_A_NUMBER: readonly [number, number, number] = [0, 0, 0];

function image(nx: number, ny: number, colorAt: (i: number, j: number) => readonly [number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(nx * ny * 4);
  for (let row = 0; row < ny; row++) {
    // Row 0 is the top of the picture: the largest y.
    const j = ny - 1 - row;
    for (let i = 0; i < nx; i++) {
      const [r, g, b] = colorAt(i, j);
      pixels.set([r, g, b, 255], (row * nx + i) * 4);
    }
  }
  return pixels;
}

/** decisionBoundary's bands of `grid`, one RGBA pixel per node, row 0 at the top. */
export function boundaryPixels(grid: OutputGrid): Uint8ClampedArray<ArrayBuffer> {
  return image(grid.xs.length, grid.ys.length, (i, j) => parseHex(bandColor(grid, i, j)));
}

/**
 * Values of an nx x ny grid (node (i, j) at j * nx + i) in the diverging map
 * over [low, high]: low blue, the midpoint white, high red, clamped beyond;
 * NaN and infinities black. One RGBA pixel per node, row 0 at the top.
 */
export function valuePixels(values: ArrayLike<number>, nx: number, ny: number, [low, high]: readonly [number, number]): Uint8ClampedArray<ArrayBuffer> {
  return image(nx, ny, (i, j) => {
    const v = values[j * nx + i]!;
    return Number.isFinite(v) ? parseHex(diverging((v - low) / (high - low))) : NOT_A_NUMBER;
  });
}
