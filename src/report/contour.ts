// Marching squares: the line where a field sampled on a grid crosses zero,
// with linear interpolation along cell edges. Used for the p = 0.5 decision
// boundary.

export type Segment = [[number, number], [number, number]];

/**
 * Zero crossings of `value(i, j)` on an nx x ny grid of nodes, as segments in
 * node coordinates (i, j may be fractional where the line crosses an edge).
 */
export function zeroContour(nx: number, ny: number, value: (i: number, j: number) => number): Segment[] {
  const segments: Segment[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      // Corners counter-clockwise from the bottom left; edges between consecutive corners.
      const corners: [number, number][] = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const v = corners.map(([a, b]) => value(a, b));
      const crossings: ([number, number] | null)[] = [0, 1, 2, 3].map((e) => {
        const a = v[e]!, b = v[(e + 1) % 4]!;
        if ((a > 0) === (b > 0)) return null;
        const t = a / (a - b);
        const [p, q] = [corners[e]!, corners[(e + 1) % 4]!];
        return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      });
      const hits = crossings.map((c, e) => (c ? e : -1)).filter((e) => e >= 0);
      if (hits.length === 2) {
        segments.push([crossings[hits[0]!]!, crossings[hits[1]!]!]);
      } else if (hits.length === 4) {
        // Saddle: the centre's sign decides which corners the lines cut off.
        const centreInside = v.reduce((s, x) => s + x, 0) / 4 > 0;
        const pairs = centreInside === v[0]! > 0 ? [[0, 1], [2, 3]] : [[3, 0], [1, 2]];
        for (const [a, b] of pairs) segments.push([crossings[a!]!, crossings[b!]!]);
      }
    }
  }
  return segments;
}
