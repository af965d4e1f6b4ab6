import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../tensor/index.js";

describe("random", () => {
  it("manualSeed makes every draw reproducible", () => {
    const draw = () =>
      [
        lt.rand([5]),
        lt.randn([5]),
        lt.randint(0, 10, [5]),
        lt.randperm(6),
        lt.normal(2, 3, [4]),
      ].map((t) => Array.from(t.dataSync()));
    lt.manualSeed(123);
    const a = draw();
    lt.manualSeed(123);
    const b = draw();
    assert.deepEqual(a, b);
    lt.manualSeed(124);
    assert.notDeepEqual(draw(), a);
  });

  it("philox4x32-10 matches the Random123 known-answer vectors", () => {
    // From Random123's kat_vectors: philox4x32 10 rounds.
    assert.deepEqual(
      Array.from(lt.philox4x32([0, 0, 0, 0], [0, 0])),
      [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
    );
    assert.deepEqual(
      Array.from(
        lt.philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]),
      ),
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    );
    assert.deepEqual(
      Array.from(
        lt.philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
      ),
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    );
  });

  it("distributions have the right moments and ranges", () => {
    lt.manualSeed(1);
    const u = lt.rand([20000]);
    assert.ok(Math.abs((u.mean().itemSync() as number) - 0.5) < 0.01);
    assert.ok((u.min().itemSync() as number) >= 0 && (u.max().itemSync() as number) < 1);
    const n = lt.randn([20000]);
    assert.ok(Math.abs(n.mean().itemSync() as number) < 0.03);
    assert.ok(Math.abs((n.std().itemSync() as number) - 1) < 0.03);
    const g = lt.normal(5, 2, [20000]);
    assert.ok(Math.abs((g.mean().itemSync() as number) - 5) < 0.06);
    const r = lt.randint(-3, 4, [5000]);
    assert.equal(r.dtype, "int32");
    assert.ok((r.min().itemSync() as number) === -3 && (r.max().itemSync() as number) === 3);
    assert.deepEqual(
      Array.from(lt.randperm(50).dataSync()).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it("bernoulli and multinomial follow their probabilities", () => {
    lt.manualSeed(2);
    const b = lt.bernoulli(lt.full([10000], 0.3));
    assert.ok(Math.abs((b.mean().itemSync() as number) - 0.3) < 0.02);
    const m = lt.multinomial(lt.tensor([1, 0, 3]), 4000, { replacement: true });
    const counts = [0, 0, 0];
    for (const v of m.dataSync()) counts[v]++;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs(counts[2] / 4000 - 0.75) < 0.03);
    const noRep = lt.multinomial(
      lt.tensor([
        [1, 1, 1, 1],
        [0, 1, 0, 1],
      ]),
      2,
    );
    assert.deepEqual(noRep.shape, [2, 2]);
    const row = Array.from(noRep.dataSync()).slice(2).sort();
    assert.deepEqual(row, [1, 3]);
  });

  it("uniform_ and normal_ fill in place", () => {
    lt.manualSeed(3);
    const u = lt.zeros([2000]).uniform_(-2, 2);
    assert.ok((u.min().itemSync() as number) >= -2 && (u.max().itemSync() as number) < 2);
    const n = lt.zeros([2000]).normal_(1, 0.5);
    assert.ok(Math.abs((n.mean().itemSync() as number) - 1) < 0.05);
  });

  it("*Like functions copy the shape", () => {
    const t = lt.zeros([2, 3]);
    assert.deepEqual(lt.randLike(t).shape, [2, 3]);
    assert.deepEqual(lt.randnLike(t).shape, [2, 3]);
    assert.equal(lt.randintLike(t, 0, 2).dtype, "int32");
  });
});
