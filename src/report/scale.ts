// Maps from data values to pixels, with the tick values an axis shows.

export interface Scale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly log: boolean;
  map(value: number): number;
  ticks(): number[];
  format(value: number): string;
}

/** Round numbers (1, 2 or 5 times a power of ten) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/**
 * [min, max] of the values by a loop: Math.min(...values) overflows the call
 * stack beyond ~100k arguments, and a first layer of MNIST weights has more.
 * NaN are skipped; no values at all give [Infinity, -Infinity].
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Widen [min, max] outward to tick boundaries, so lines never touch the frame by accident. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - pad, max + pad];
  }
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : max - min;
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

export function formatNumber(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return Number(value.toPrecision(6)).toExponential().replace("e+", "e");
  return String(Number(value.toPrecision(6)));
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return {
    domain, range, log: false,
    map: (v) => r0 + ((v - d0) / span) * (r1 - r0),
    ticks: () => niceTicks(d0, d1),
    format: formatNumber,
  };
}

/** Base-10 log scale; the domain must be positive. Ticks at whole decades. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const [r0, r1] = range;
  const span = l1 - l0 || 1;
  return {
    domain, range, log: true,
    map: (v) => r0 + ((Math.log10(v) - l0) / span) * (r1 - r0),
    ticks: () => {
      const first = Math.ceil(l0 - 1e-9);
      const last = Math.floor(l1 + 1e-9);
      const every = Math.max(1, Math.ceil((last - first + 1) / 8));
      const ticks: number[] = [];
      for (let e = first; e <= last; e += every) ticks.push(10 ** e);
      return ticks;
    },
    format: (v) => `1e${Math.round(Math.log10(v))}`,
  };
}

/** Decades enclosing the positive values in [min, max]. */
export function logDomain(min: number, max: number): [number, number] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  return [10 ** lo, 10 ** (hi === lo ? lo + 1 : hi)];
}
