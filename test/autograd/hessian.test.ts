// Hessian-vector products by double backward, checked against central
// differences of the gradient, and the power iteration that finds the
// Hessian's largest eigenvalue, checked against the whole Hessian's spectrum.
import { describe, expect, it } from "vitest";
import { GraphError, ShapeError, type Tensor, createRng, grad, gradientErrors, hessianOperator, hvp, noGrad, normalSample, tensor, topHessianEigenvalue } from "../../src/autograd/index.js";
import { MLP, bceWithLogitsLoss } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

/** A small float64 net and batch whose loss has curvature in every parameter. */
function smallNet(seed: number, options: { activation?: "tanh" | "sigmoid"; batchNorm?: boolean; labels?: number[] } = {}) {
  const model = new MLP({ sizes: [2, 3, 3, 1], activation: options.activation ?? "tanh", batchNorm: options.batchNorm, init: "xavier", dtype: "float64", seed });
  const rng = createRng(seed + 100);
  const labels = options.labels ?? [0, 1, 1, 0, 1, 0];
  const x = tensor(labels.map(() => [normalSample(rng), normalSample(rng)]), f64);
  const y = tensor(labels.map((l) => [l]), f64);
  const params = model.parameters();
  const loss = () => bceWithLogitsLoss(model.forward(x), y);
  return { params, loss };
}

function randomVector(params: readonly Tensor[], seed: number): Tensor[] {
  const rng = createRng(seed);
  return params.map((p) => tensor(Float64Array.from({ length: p.size }, () => normalSample(rng)), { shape: [...p.shape], dtype: "float64" }));
}

const flat = (tensors: readonly Tensor[]) => Float64Array.from(tensors.flatMap((t) => Array.from(t.data)));

/** (∇L(θ + εv) - ∇L(θ - εv)) / 2ε, by first-order backward only. */
function gradientDifference(params: readonly Tensor[], loss: () => Tensor, v: readonly Tensor[], eps: number): Float64Array {
  const shift = (sign: number) => noGrad(() => params.forEach((p, k) => { for (let i = 0; i < p.size; i++) p.data[i]! += sign * eps * v[k]!.data[i]!; p.markModified(); }));
  shift(1);
  const plus = flat(grad(loss(), [...params]));
  shift(-2);
  const minus = flat(grad(loss(), [...params]));
  shift(1);
  return plus.map((g, i) => (g - minus[i]!) / (2 * eps));
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (the test's own reference). */
function symmetricEigenvalues(a: number[][]): number[] {
  const n = a.length;
  const m = a.map((row) => [...row]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p]![q]!) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * m[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = m[k]![p]!, kq = m[k]![q]!;
          m[k]![p] = c * kp - s * kq;
          m[k]![q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = m[p]![k]!, qk = m[q]![k]!;
          m[p]![k] = c * pk - s * qk;
          m[q]![k] = s * pk + c * qk;
        }
      }
    }
  }
  return m.map((row, i) => row[i]!).sort((x, y) => x - y);
}

describe("hvp", () => {
  it("equals central differences of the gradient (relative error < 1e-6, float64)", () => {
    for (const seed of [1, 2, 3]) {
      const { params, loss } = smallNet(seed);
      const v = randomVector(params, seed + 7);
      const analytic = flat(hvp(loss(), params, v));
      const numerical = gradientDifference(params, loss, v, 1e-5);
      const { relativeError } = gradientErrors(analytic, numerical);
      expect(relativeError).toBeLessThan(1e-6);
      expect(Math.hypot(...analytic)).toBeGreaterThan(1e-3); // a real check: H v is not zero here
    }
  });

  it("is A v for the quadratic 1/2 xᵀ A x, whatever the graph's shape", () => {
    const a = tensor([[4, 1, 0], [1, 3, -2], [0, -2, 5]], f64);
    const x = tensor([[0.3], [-1.2], [0.7]], { ...f64, requiresGrad: true });
    const loss = x.mT.matmul(a).matmul(x).mul(0.5).sum();
    const [hv] = hvp(loss, [x], [tensor([[1], [2], [3]], f64)]);
    expect(Array.from(hv!.data)).toEqual([4 + 2, 1 + 6 - 6, -4 + 15]);
  });

  it("keeps the loss's graph: the same loss answers several products", () => {
    const { params, loss } = smallNet(4);
    const l = loss();
    const v = randomVector(params, 11);
    const once = flat(hvp(l, params, v));
    const twice = flat(hvp(l, params, v));
    expect(twice).toEqual(once);
    const operator = hessianOperator(l, params);
    expect(flat(operator.times(v))).toEqual(once);
  });

  it("gives zeros for a parameter the loss does not reach", () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const unused = tensor([5], { ...f64, requiresGrad: true });
    const [hx, hu] = hvp(x.pow(3).sum(), [x, unused], [tensor([1, 1], f64), tensor([1], f64)]);
    expect(Array.from(hx!.data)).toEqual([6, 12]);
    expect(Array.from(hu!.data)).toEqual([0]);
  });

  it("refuses a vector that does not fit the parameters, and a loss without a graph", () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const loss = x.square().sum();
    expect(() => hvp(loss, [x], [tensor([1, 2, 3], f64)])).toThrow(ShapeError);
    expect(() => hvp(loss, [x], [tensor([1, 2], f64), tensor([1], f64)])).toThrow(/v has 2 tensors for 1 parameters/);
    expect(() => hvp(loss, [x], [tensor([NaN, 1], f64)])).toThrow(/not a finite number/);
    expect(() => hvp(noGrad(() => x.square().sum()), [x], [tensor([1, 1], f64)])).toThrow(GraphError);
    expect(() => hvp(x.square(), [x], [tensor([1, 1], f64)])).toThrow(/the loss must be a scalar tensor, got shape \[2\]/);
  });
});

describe("topHessianEigenvalue", () => {
  /** 1/2 xᵀ A x with A = Q diag(eigenvalues) Qᵀ for a fixed rotation Q. */
  function quadratic(eigenvalues: number[]) {
    const n = eigenvalues.length;
    const rng = createRng(5);
    // Gram-Schmidt on random columns: an orthogonal Q.
    const q: number[][] = [];
    for (let c = 0; c < n; c++) {
      let v = Array.from({ length: n }, () => normalSample(rng));
      for (const u of q) { const d = v.reduce((s, x, i) => s + x * u[i]!, 0); v = v.map((x, i) => x - d * u[i]!); }
      const len = Math.hypot(...v);
      q.push(v.map((x) => x / len));
    }
    const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => q.reduce((s, u, k) => s + u[i]! * eigenvalues[k]! * u[j]!, 0)));
    const x = tensor(Array.from({ length: n }, (_, i) => [0.1 * (i + 1)]), { ...f64, requiresGrad: true });
    return { loss: x.mT.matmul(tensor(a, f64)).matmul(x).mul(0.5).sum(), x };
  }

  it("finds the largest eigenvalue of a quadratic's Hessian, and its eigenvector", () => {
    const { loss, x } = quadratic([3, 1, -0.5, 0.2]);
    const top = topHessianEigenvalue(loss, [x], { tolerance: 1e-12, maxIterations: 500 });
    expect(top.converged).toBe(true);
    expect(top.value).toBeCloseTo(3, 9);
    const hv = hvp(loss, [x], top.vector);
    hv[0]!.data.forEach((h, i) => expect(h).toBeCloseTo(3 * top.vector[0]!.data[i]!, 6));
  });

  it("finds the most positive eigenvalue when a negative one is larger in magnitude", () => {
    const { loss, x } = quadratic([-5, 2, 1, 0.5]);
    const top = topHessianEigenvalue(loss, [x], { tolerance: 1e-12, maxIterations: 2000 });
    expect(top.value).toBeCloseTo(2, 8);
  });

  it("finds the most positive eigenvalue when a negative one of nearly the same magnitude keeps the plain iteration from settling", () => {
    const { loss, x } = quadratic([-3, 2.9, 1, 0.5]);
    const top = topHessianEigenvalue(loss, [x], { tolerance: 1e-9, maxIterations: 3000 });
    expect(top.converged).toBe(true);
    expect(top.value).toBeCloseTo(2.9, 8);
  });

  /** The whole Hessian of a small net, column by column from hvp, and its sorted spectrum. */
  function spectrum(l: Tensor, params: readonly Tensor[]): { hessian: number[][]; eigenvalues: number[] } {
    const n = params.reduce((s, p) => s + p.size, 0);
    const operator = hessianOperator(l, params);
    const columns = Array.from({ length: n }, (_, c) => {
      let offset = 0;
      const e = params.map((p) => {
        const t = tensor(new Float64Array(p.size), { shape: [...p.shape], dtype: "float64" });
        if (c >= offset && c < offset + p.size) t.data[c - offset] = 1;
        offset += p.size;
        return t;
      });
      return Array.from(flat(operator.times(e)));
    });
    const hessian = columns.map((_, i) => columns.map((col) => col[i]!));
    return { hessian, eigenvalues: symmetricEigenvalues(hessian) };
  }

  it("agrees with the spectrum of a small net's whole Hessian, built column by column from hvp", () => {
    const { params, loss } = smallNet(2);
    const l = loss();
    const { hessian, eigenvalues: spectrumOf } = spectrum(l, params);
    const symmetry = Math.max(...hessian.flatMap((row, i) => row.map((h, j) => Math.abs(h - hessian[j]![i]!))));
    expect(symmetry).toBeLessThan(1e-12);
    const largest = spectrumOf[spectrumOf.length - 1]!;
    const top = topHessianEigenvalue(l, params, { tolerance: 1e-12, maxIterations: 5000, seed: 3 });
    expect(Math.abs(top.value - largest) / largest).toBeLessThan(1e-6);
  });

  it("does not stop where the estimate merely stalls: batch norm at init, most eigenvalues near 0 and the largest in magnitude far below 0", () => {
    // Stopping when the Rayleigh quotient changed by less than 1e-4 returned 0.032 here, "converged", for a top eigenvalue of 9.006.
    const { params, loss } = smallNet(0, { activation: "sigmoid", batchNorm: true, labels: [0, 1, 0, 1, 0, 1, 0, 1] });
    const l = loss();
    const { eigenvalues } = spectrum(l, params);
    expect(eigenvalues[0]!).toBeLessThan(-50);
    const largest = eigenvalues[eigenvalues.length - 1]!;
    const top = topHessianEigenvalue(l, params, { seed: 0, tolerance: 1e-4 });
    expect(top.converged).toBe(true);
    expect(Math.abs(top.value - largest) / largest).toBeLessThan(1e-3);
  });

  it("is reproducible from its seed and refuses nonsense settings", () => {
    const { params, loss } = smallNet(1);
    const a = topHessianEigenvalue(loss(), params, { seed: 9, maxIterations: 20 });
    const b = topHessianEigenvalue(loss(), params, { seed: 9, maxIterations: 20 });
    expect(b.value).toBe(a.value);
    expect(() => topHessianEigenvalue(loss(), params, { maxIterations: 0 })).toThrow(/maxIterations must be an integer >= 1/);
    expect(() => topHessianEigenvalue(loss(), params, { tolerance: -1 })).toThrow(/tolerance must be a number > 0/);
  });
});
