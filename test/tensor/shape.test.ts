/** Property tests (fast-check) for broadcasting and view algebra. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as lt from "../../tensor/index.js";
import {
  broadcastShapes,
  contiguousStrides,
  isContiguous,
  normalizeDim,
} from "../../tensor/shape.js";

const smallShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });

/** A shape and a shape broadcastable with it (some dims set to 1 or dropped). */
const broadcastPair = smallShape.chain((s) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.integer({ min: 0, max: s.length }),
    )
    .map(([ones, drop]) => [s, s.map((d, i) => (ones[i] ? 1 : d)).slice(drop)] as const),
);

function values(t: lt.Tensor): number[] {
  return Array.from(t.dataSync());
}

function ramp(shape: number[]): lt.Tensor {
  return lt
    .arange(shape.reduce((a, b) => a * b, 1))
    .float()
    .reshape(shape);
}

describe("broadcasting (properties)", () => {
  it("is commutative and matches elementwise expansion", () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b]) => {
        assert.deepEqual(broadcastShapes(a, b), broadcastShapes(b, a));
        const x = ramp([...a]);
        const y = ramp([...b]).add(100);
        const s1 = x.add(y);
        const s2 = y.add(x);
        assert.deepEqual(values(s1), values(s2));
        const out = broadcastShapes(a, b);
        assert.deepEqual(
          values(s1),
          values(x.expand(out).contiguous().add(y.expand(out).contiguous())),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("gradients of a broadcast operand sum over the broadcast dims", () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b]) => {
        const y = lt.ones([...b], { requiresGrad: true });
        ramp([...a])
          .mul(0)
          .add(y)
          .sum()
          .backward();
        const copies =
          broadcastShapes(a, b).reduce((p, d) => p * d, 1) /
          Math.max(
            b.reduce((p, d) => p * d, 1),
            1,
          );
        assert.ok(values(y.grad!).every((v) => v === copies));
      }),
      { numRuns: 40 },
    );
  });

  it("rejects incompatible shapes naming both", () => {
    assert.throws(
      () => broadcastShapes([2, 3], [3, 2], "add"),
      /add: shapes \[2, 3\] and \[3, 2\] cannot be broadcast/,
    );
  });
});

describe("view algebra (properties)", () => {
  const permutation = smallShape.chain((s) =>
    fc
      .shuffledSubarray(
        s.map((_, i) => i),
        { minLength: s.length, maxLength: s.length },
      )
      .map((p) => [s, p] as const),
  );

  it("permute then its inverse is the identity", () => {
    fc.assert(
      fc.property(permutation, ([shape, p]) => {
        const x = ramp([...shape]);
        const inv = new Array<number>(p.length);
        p.forEach((d, i) => {
          inv[d] = i;
        });
        const y = x.permute(p).permute(inv);
        assert.deepEqual(y.shape, x.shape);
        assert.deepEqual(values(y), values(x));
        assert.equal(y.storage, x.storage);
      }),
      { numRuns: 60 },
    );
  });

  it("reshape round trips, through transposes too", () => {
    fc.assert(
      fc.property(permutation, ([shape, p]) => {
        const x = ramp([...shape]).permute(p);
        const flat = x.reshape([-1]);
        assert.deepEqual(flat.reshape(x.shape).arraySync(), x.arraySync());
        assert.deepEqual(values(flat), values(x.contiguous()));
      }),
      { numRuns: 60 },
    );
  });

  it("transpose twice is the identity and t() swaps strides", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (m, n) => {
        const x = ramp([m, n]);
        assert.deepEqual(x.t().t().arraySync(), x.arraySync());
        assert.deepEqual(x.t().strides, [1, n]);
      }),
    );
  });

  it("split then cat restores the tensor", () => {
    fc.assert(
      fc.property(
        smallShape.filter((s) => s.length > 0),
        fc.integer({ min: 1, max: 3 }),
        (shape, size) => {
          const x = ramp(shape);
          const dim = shape.length - 1;
          assert.deepEqual(lt.cat(x.split(size, dim), dim).arraySync(), x.arraySync());
        },
      ),
      { numRuns: 40 },
    );
  });

  it("squeeze/unsqueeze, flatten/unflatten are inverse", () => {
    fc.assert(
      fc.property(
        smallShape.filter((s) => s.length > 0),
        fc.nat(),
        (shape, k) => {
          const x = ramp(shape);
          const d = k % (shape.length + 1);
          assert.deepEqual(x.unsqueeze(d).squeeze(d).shape, x.shape);
          assert.deepEqual(x.flatten().unflatten(0, shape).arraySync(), x.arraySync());
        },
      ),
      { numRuns: 40 },
    );
  });

  it("narrowing agrees with reading the element positions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.nat(), (n, a, b) => {
        const start = a % n;
        const length = b % (n - start + 1);
        const x = lt.arange(n);
        assert.deepEqual(
          Array.from(x.narrow(0, start, length).dataSync()),
          Array.from({ length }, (_, i) => start + i),
        );
      }),
    );
  });

  it("contiguous strides are row-major and recognised", () => {
    fc.assert(
      fc.property(smallShape, (shape) => {
        const s = contiguousStrides(shape);
        assert.ok(isContiguous(shape, s));
        shape.forEach((_, i) => {
          if (i + 1 < shape.length) assert.equal(s[i], s[i + 1] * shape[i + 1]);
        });
      }),
    );
  });

  it("normalizeDim maps negative dims and rejects out of range", () => {
    assert.equal(normalizeDim(-1, 3, "op"), 2);
    assert.equal(normalizeDim(0, 0, "op"), 0);
    assert.throws(
      () => normalizeDim(3, 3, "sum"),
      /sum: dim 3 is out of range for a tensor with 3 dims \(expected -3 <= dim < 3\)/,
    );
  });
});
