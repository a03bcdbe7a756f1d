// allocate: own buffers outside a backward sweep; inside one, zeroed,
// 8-byte-aligned, non-overlapping views of shared slabs for mid-sized buffers.
import { describe, expect, it } from "vitest";
import { allocate, allocatingFromSlabs } from "../../src/kernels/shape.js";
import { tensor } from "../../src/autograd/index.js";

describe("allocate", () => {
  it("gives every buffer its own ArrayBuffer outside a sweep", () => {
    const a = allocate("float32", 1000);
    expect(a.buffer.byteLength).toBe(4000);
    expect(a.byteOffset).toBe(0);
  });

  it("cuts mid-sized buffers from slabs inside a sweep: zeroed, aligned, disjoint", () => {
    const [small, mid1, mid2, odd, large] = allocatingFromSlabs(() => [
      allocate("float32", 16), // 64 bytes: V8 keeps it on its heap, own buffer
      allocate("float32", 1000),
      allocate("float64", 1000),
      allocate("float32", 3),
      allocate("float32", 20000), // 80 KB: own buffer
    ]);
    expect(small!.buffer.byteLength).toBe(64);
    expect(large!.buffer.byteLength).toBe(80000);
    expect(odd!.length).toBe(3);
    // Only the one over 64 bytes shares: the 3-element buffer is 12 bytes.
    expect(odd!.buffer.byteLength).toBe(12);
    expect(mid2!.buffer).toBe(mid1!.buffer);
    expect(mid1!.buffer.byteLength).toBeGreaterThan(4000);
    expect(mid2!.byteOffset % 8).toBe(0);
    expect(mid2!.byteOffset).toBeGreaterThanOrEqual(mid1!.byteOffset + mid1!.byteLength);
    expect(Array.from(mid1!).every((v) => v === 0) && Array.from(mid2!).every((v) => v === 0)).toBe(true);
    mid1!.fill(1);
    expect(Array.from(mid2!).every((v) => v === 0)).toBe(true);
  });

  it("backward's gradients come from slabs; forward outputs and leaves keep their own buffers", () => {
    const w = tensor(Array.from({ length: 400 }, (_, i) => i / 400), { requiresGrad: true });
    const y = w.mul(w);
    y.sum().backward();
    expect(y.data.buffer.byteLength).toBe(1600);
    expect(w.grad!.data.buffer.byteLength).toBeGreaterThan(1600);
    expect(w.grad!.data[399]).toBeCloseTo(2 * (399 / 400), 6);
  });
});
