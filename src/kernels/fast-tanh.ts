// tanh for float32 tensors without Math.tanh, which costs ~20-30 ns an element
// in V8 (fdlibm through expm1) and was half of a tiny MLP's training step.
//
// tanh(x) ≈ x · P(x²) / Q(x²) with P, Q of degree 4, fitted to tanh on
// [0, 9] in relative error (iteratively reweighted least squares against
// 40-digit mpmath values; max relative error 2.2e-8 < half a float32 ulp).
// Beyond |x| = 9, tanh rounds to ±1 in float32, so x is clamped there.
// Evaluated in doubles and rounded once on store: every float32 result is
// within 1 ulp of Math.tanh's rounded result (97% identical; checked over 11
// million float32 inputs in test/kernels/fast-tanh.test.ts). NaN stays NaN,
// ±Infinity gives ±1, -0 stays -0. Float64 tensors keep Math.tanh.
// wasm/elementwise.as runs the same operations in the same order (same bits).

const P0 = 0.9999999811584771, P1 = 0.13380851915140227, P2 = 0.003495384276616978, P3 = 2.0605876255534376e-5, P4 = 1.3350531434093325e-8;
const Q1 = 0.4671416783811685, Q2 = 0.025876199126651074, Q3 = 0.0003285307534158438, Q4 = 7.774800442132936e-7;

/** The constants in the order wasm/elementwise.as's tanhF32 reads them: the clamp, 1, P0..P4, Q1..Q4. */
export const TANH_CONSTANTS: readonly number[] = [9, -9, 1, P0, P1, P2, P3, P4, Q1, Q2, Q3, Q4];

/** out[i] = tanh(x[i]) to within 1 float32 ulp. */
export function tanhFloat32(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    let v = x[i]!;
    v = v > 9 ? 9 : v < -9 ? -9 : v;
    const z = v * v;
    out[i] = (v * (P0 + z * (P1 + z * (P2 + z * (P3 + z * P4))))) / (1 + z * (Q1 + z * (Q2 + z * (Q3 + z * Q4))));
  }
}
