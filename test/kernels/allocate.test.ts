// allocate: own buffers by default; inside a backward sweep, and for the outputs
// of ops a graph records, zeroed, 8-byte-aligned, non-overlapping views of
// shared slabs, one size class per slab so a kept view holds little.
import { describe, expect, it } from "vitest";
import { allocate, allocatingFromSlabs } from "../../src/kernels/shape.js";
import { noGrad, tensor } from "../../src/autograd/index.js";

describe("allocate", () => {
  it("gives every buffer its own ArrayBuffer outside a sweep", () => {
    const a = allocate("float32", 1000);
    expect(a.buffer.byteLength).toBe(4000);
    expect(a.byteOffset).toBe(0);
  });

  it("cuts mid-sized buffers from slabs inside a sweep: zeroed, aligned, disjoint", () => {
    const [small, mid1, mid2, odd, other, large] = allocatingFromSlabs(() => [
      allocate("float32", 16), // 64 bytes: V8 keeps it on its heap, own buffer
      allocate("float32", 1000), // 4000 bytes: the 2-4 KB class
      allocate("float32", 999),
      allocate("float32", 3),
      allocate("float64", 1000), // 8000 bytes: the 4-8 KB class, another slab
      allocate("float32", 20000), // 80 KB: own buffer
    ]);
    expect(small!.buffer.byteLength).toBe(64);
    expect(large!.buffer.byteLength).toBe(80000);
    expect(odd!.length).toBe(3);
    // Only the one over 64 bytes shares: the 3-element buffer is 12 bytes.
    expect(odd!.buffer.byteLength).toBe(12);
    expect(mid2!.buffer).toBe(mid1!.buffer);
    expect(other!.buffer).not.toBe(mid1!.buffer);
    expect(mid1!.buffer.byteLength).toBeGreaterThan(4000);
    expect(mid2!.byteOffset % 8).toBe(0);
    expect(mid2!.byteOffset).toBeGreaterThanOrEqual(mid1!.byteOffset + mid1!.byteLength);
    expect(Array.from(mid1!).every((v) => v === 0) && Array.from(mid2!).every((v) => v === 0)).toBe(true);
    mid1!.fill(1);
    expect(Array.from(mid2!).every((v) => v === 0)).toBe(true);
  });

  it("a view holds a slab of at most 32x its size and at most 256 KB", () => {
    for (const bytes of [68, 129, 1000, 4100, 16385, 40000, 65536]) {
      const view = allocatingFromSlabs(() => allocate("float32", bytes >> 2));
      expect(view.buffer.byteLength).toBeLessThanOrEqual(Math.min(32 * view.byteLength, 1 << 18));
    }
  });

  it("recorded ops' outputs and backward's gradients come from slabs; leaves, constants and noGrad outputs keep their own buffers", () => {
    const w = tensor(Array.from({ length: 400 }, (_, i) => i / 400), { requiresGrad: true });
    const y = w.mul(w);
    y.sum().backward();
    expect(w.data.buffer.byteLength).toBe(1600);
    expect(y.data.buffer.byteLength).toBeGreaterThan(1600);
    expect(w.grad!.data.buffer.byteLength).toBeGreaterThan(1600);
    expect(w.grad!.data[399]).toBeCloseTo(2 * (399 / 400), 6);
    // Not recorded: nothing requires grad, grad mode is off, or the op is a constant.
    const c = tensor(Array.from({ length: 400 }, () => 1));
    expect(c.mul(c).data.buffer.byteLength).toBe(1600);
    expect(noGrad(() => w.mul(w)).data.buffer.byteLength).toBe(1600);
    expect(w.gt(0.5).data.buffer.byteLength).toBe(1600);
    // What a slab holds is the same number a buffer of its own would hold.
    expect(Array.from(y.data)).toEqual(Array.from(noGrad(() => w.mul(w)).data));
  });
});
