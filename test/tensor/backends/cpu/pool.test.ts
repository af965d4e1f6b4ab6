import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type AvgDivisor,
  avgPoolBackward,
  avgPoolForward,
  maxPoolBackward,
  maxPoolIndices,
} from "../../../../tensor/backends/cpu/pool.js";
import { adaptivePoolGeometry, poolGeometry } from "../../../../tensor/ops/pool.js";
import { assertClose, f32, loadCases } from "../../nn_ops_fixtures.js";

describe("cpu pool kernels match PyTorch", () => {
  for (const c of loadCases("pool")) {
    it(`${c.op}: ${c.name}`, () => {
      const rank = Number(c.op.at(-2)) as 1 | 2 | 3;
      const { args, ...options } = c.options;
      const g = c.op.startsWith("adaptive")
        ? adaptivePoolGeometry(c.op, rank, c.inputs.x.shape, args[0])
        : poolGeometry(c.op, rank, c.inputs.x.shape, args[0], options);
      assert.deepEqual(g.outShape, c.output.shape);
      const x = f32(c.inputs.x);
      const gy = f32(c.gradOutput);
      const inPlane = g.inSize[0] * g.inSize[1] * g.inSize[2];
      if (/max/i.test(c.op)) {
        const indices = maxPoolIndices(x, g.planes, g.inSize, g.windows);
        assert.deepEqual([...indices], c.output1!.data);
        const outPlane = indices.length / g.planes;
        const values = Float32Array.from(
          indices,
          (idx, o) => x[Math.floor(o / outPlane) * inPlane + idx],
        );
        assertClose(values, c.output, "output");
        assertClose(maxPoolBackward(gy, indices, g.planes, inPlane), c.grads.x, "grad x");
      } else {
        const divisor: AvgDivisor =
          options.divisorOverride ?? (options.countIncludePad === false ? "count" : "span");
        assertClose(avgPoolForward(x, g.planes, g.inSize, g.windows, divisor), c.output, "output");
        assertClose(
          avgPoolBackward(gy, g.planes, g.inSize, g.windows, divisor),
          c.grads.x,
          "grad x",
        );
      }
    });
  }
});

describe("max unpooling is the max pool backward kernel", () => {
  for (const c of loadCases("unpool")) {
    it(c.name, () => {
      const [batch, channels, ...spatial] = c.output.shape;
      const plane = spatial.reduce((a, b) => a * b, 1);
      const indices = Int32Array.from(c.inputs.indices.data);
      const out = maxPoolBackward(f32(c.inputs.x), indices, batch * channels, plane);
      assertClose(out, c.output, "output");
    });
  }
});

describe("max pool kernel", () => {
  it("sums gradients where overlapping windows pick the same maximum", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 2, { stride: 1 });
    const indices = maxPoolIndices(Float32Array.from([0, 5, 1, 0]), 1, g.inSize, g.windows);
    const gx = maxPoolBackward(Float32Array.from([1, 2, 4]), indices, 1, 4);
    assert.deepEqual([...gx], [0, 3, 4, 0]);
  });
  it("lets a NaN win its window, as PyTorch does", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 2, {});
    const x = Float32Array.from([1, Number.NaN, 3, 2]);
    assert.deepEqual([...maxPoolIndices(x, g.planes, g.inSize, g.windows)], [1, 2]);
  });
  it("gives ties to the first maximum", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 4, {});
    const x = Float32Array.from([0, 5, 5, 1]);
    assert.deepEqual([...maxPoolIndices(x, g.planes, g.inSize, g.windows)], [1]);
  });
});

describe("pool geometry", () => {
  it("rejects padding over half the kernel", () => {
    assert.throws(
      () => poolGeometry("maxPool2d", 2, [1, 1, 5, 5], 2, { padding: 2 }),
      /maxPool2d: padding \[2, 2\] must be at most half the kernel size \[2, 2\]/,
    );
  });
  it("rejects an input smaller than the kernel", () => {
    assert.throws(
      () => poolGeometry("avgPool2d", 2, [1, 1, 2, 5], 3, {}),
      /avgPool2d: input \[1, 1, 2, 5\] is too small for kernel \[3, 3\]/,
    );
  });
  it("rejects a wrong rank", () => {
    assert.throws(
      () => poolGeometry("maxPool2d", 2, [5, 5], 2, {}),
      /expected a 3-D \[C, H, W\] or 4-D/,
    );
  });
});

describe("pool windows agree with a brute-force scan (any geometry)", () => {
  it("max and average over every tap of every window", () => {
    const params = fc.record({
      size: fc.integer({ min: 1, max: 12 }),
      kernel: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 3 }),
      padding: fc.integer({ min: 0, max: 2 }),
      dilation: fc.integer({ min: 1, max: 3 }),
      ceilMode: fc.boolean(),
      countIncludePad: fc.boolean(),
    });
    fc.assert(
      fc.property(params, (p) => {
        fc.pre(p.padding <= Math.floor(p.kernel / 2));
        fc.pre(p.size + 2 * p.padding >= p.dilation * (p.kernel - 1) + 1);
        const starts = (o: number) => o * p.stride - p.padding;
        const taps = (o: number) =>
          Array.from({ length: p.kernel }, (_, t) => starts(o) + t * p.dilation);
        const reach = p.size + 2 * p.padding - p.dilation * (p.kernel - 1) - 1;
        const count = Math.floor(reach / p.stride) + 1;
        const anyEmpty = Array.from({ length: count }, (_, o) => taps(o)).some((ts) =>
          ts.every((i) => i < 0 || i >= p.size),
        );
        if (anyEmpty && !p.ceilMode) {
          assert.throws(
            () => poolGeometry("maxPool1d", 1, [1, p.size], p.kernel, p),
            /lies entirely in the padding/,
          );
          return;
        }
        fc.pre(!anyEmpty);
        const g = poolGeometry("maxPool1d", 1, [1, p.size], p.kernel, p);
        const x = Float32Array.from({ length: p.size }, (_, i) => Math.sin(7 * i + p.size));
        const indices = maxPoolIndices(x, 1, g.inSize, g.windows);
        const out = g.outShape[1];
        for (let o = 0; o < out; o++) {
          const start = o * p.stride - p.padding;
          let best = -Infinity;
          for (let t = 0; t < p.kernel; t++) {
            const i = start + t * p.dilation;
            if (i >= 0 && i < p.size) best = Math.max(best, x[i]);
          }
          assert.equal(x[indices[o]], best);
        }
        if (p.dilation === 1) {
          const avg = poolGeometry("avgPool1d", 1, [1, p.size], p.kernel, { ...p, dilation: 1 });
          const divisor: AvgDivisor = p.countIncludePad ? "span" : "count";
          const y = avgPoolForward(x, 1, avg.inSize, avg.windows, divisor);
          for (let o = 0; o < out; o++) {
            const start = o * p.stride - p.padding;
            // PyTorch counts the padding but not the ceil-mode overhang past it
            const end = Math.min(start + p.kernel, p.size + p.padding);
            let sum = 0;
            let count = 0;
            for (let i = Math.max(start, 0); i < Math.min(end, p.size); i++, count++) sum += x[i];
            const expected = sum / (p.countIncludePad ? end - start : count);
            assert.ok(Math.abs(y[o] - expected) < 1e-6, `window ${o}: ${y[o]} vs ${expected}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
  it("takes the same maxima on the 2x2 fast path and the general path as a plain scan", () => {
    // Plain row-major scan of each window: a NaN always takes over (the
    // last NaN wins), otherwise only a strictly greater value.
    const scan = (x: Float32Array, H: number, W: number, k: number, s: number, out: number[]) => {
      const planes = x.length / (H * W);
      const [oh, ow] = out;
      const res: number[] = [];
      for (let p = 0; p < planes; p++) {
        for (let i = 0; i < oh; i++) {
          for (let j = 0; j < ow; j++) {
            let best = Number.NEGATIVE_INFINITY;
            let arg = i * s * W + j * s;
            for (let a = i * s; a < Math.min(i * s + k, H); a++) {
              for (let b = j * s; b < Math.min(j * s + k, W); b++) {
                const v = x[p * H * W + a * W + b];
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  arg = a * W + b;
                }
              }
            }
            res.push(arg);
          }
        }
      }
      return res;
    };
    const value = fc.constantFrom(Number.NEGATIVE_INFINITY, -1, 0, 2, Number.NaN, 0.5);
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 7 }),
        fc.integer({ min: 3, max: 7 }),
        fc.constantFrom(
          { k: 2 },
          { k: 2, ceilMode: true },
          { k: 3, stride: 2 },
          { k: 2, stride: 1 },
        ),
        fc.array(value, { minLength: 2 * 7 * 7, maxLength: 2 * 7 * 7 }),
        (H, W, { k, ...opts }, values) => {
          const g = poolGeometry("maxPool2d", 2, [2, H, W], k, opts);
          const x = Float32Array.from(values.slice(0, 2 * H * W));
          const got = [...maxPoolIndices(x, g.planes, g.inSize, g.windows)];
          const s = opts.stride ?? k;
          assert.deepEqual(got, scan(x, H, W, k, s, g.outShape.slice(-2)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
