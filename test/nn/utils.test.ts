import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";

const F = nn.functional;

describe("nn.utils clipping and vectors", () => {
  it("clipGradNorm_ scales gradients to the max norm and returns the old norm", () => {
    const a = new nn.Parameter(lt.zeros([2]));
    const b = new nn.Parameter(lt.zeros([1]));
    a.grad = lt.tensor([3, 0]);
    b.grad = lt.tensor([4]);
    const norm = nn.utils.clipGradNorm_([a, b], 1);
    assert.ok(Math.abs((norm.itemSync() as number) - 5) < 1e-6);
    assert.ok(Math.abs(a.grad.dataSync()[0]! - 0.6) < 1e-5);
    assert.ok(Math.abs(b.grad.dataSync()[0]! - 0.8) < 1e-5);
    const inf = nn.utils.clipGradNorm_([a, b], 10, { normType: Number.POSITIVE_INFINITY });
    assert.ok(Math.abs((inf.itemSync() as number) - 0.8) < 1e-5);
    b.grad = lt.tensor([Number.NaN]);
    assert.throws(
      () => nn.utils.clipGradNorm_([a, b], 1, { errorIfNonfinite: true }),
      /total norm .* is NaN/,
    );
  });

  it("clipGradValue_ clamps elementwise", () => {
    const p = new nn.Parameter(lt.zeros([3]));
    p.grad = lt.tensor([-2, 0.1, 5]);
    nn.utils.clipGradValue_([p], 0.5);
    assert.deepEqual(Array.from(p.grad.dataSync()), [-0.5, 0.10000000149011612, 0.5]);
  });

  it("parametersToVector and vectorToParameters round-trip", () => {
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parametersToVector(m.parameters());
    assert.deepEqual(v.shape, [8]);
    const weight = m.weight;
    nn.utils.vectorToParameters(lt.arange(0, 8).float(), m.parameters());
    assert.equal(m.weight, weight, "parameters keep their identity");
    assert.deepEqual(Array.from(m.bias!.dataSync()), [6, 7]);
    assert.throws(
      () => nn.utils.vectorToParameters(lt.zeros([3]), m.parameters()),
      /expected a vector of 8 elements/,
    );
  });
});

describe("nn.utils.prune", () => {
  it("l1Unstructured masks the smallest weights, keeps PyTorch's names and prunes iteratively", () => {
    const m = new nn.Linear(4, 2);
    nn.init.zeros_(m.bias!);
    m.loadStateDict({
      weight: lt.tensor([
        [0.1, -0.5, 0.3, -0.05],
        [0.9, 0.2, -0.7, 0.4],
      ]),
      bias: lt.zeros([2]),
    });
    nn.utils.prune.l1Unstructured(m, "weight", { amount: 0.5 });
    assert.deepEqual(Object.keys(m.stateDict()), ["bias", "weight_orig", "weight_mask"]);
    assert.deepEqual(Array.from((m as any).weight_mask.dataSync()), [0, 1, 0, 0, 1, 0, 1, 1]);
    assert.ok(nn.utils.prune.isPruned(m));
    const y = m(lt.ones([1, 4]));
    assert.ok(Math.abs(y.dataSync()[0]! - -0.5) < 1e-6 && Math.abs(y.dataSync()[1]! - 0.6) < 1e-6);
    y.sum().backward();
    const orig = (m as any).weight_orig;
    assert.deepEqual(
      Array.from(orig.grad.dataSync()),
      [0, 1, 0, 0, 1, 0, 1, 1],
      "pruned weights get no gradient",
    );
    // the two smallest of the four remaining (-0.5 and 0.4) go next
    nn.utils.prune.l1Unstructured(m, "weight", { amount: 2 });
    assert.deepEqual(Array.from((m as any).weight_mask.dataSync()), [0, 0, 0, 0, 1, 0, 1, 0]);
    nn.utils.prune.remove(m, "weight");
    assert.deepEqual(Object.keys(m.stateDict()), ["bias", "weight"]);
    assert.ok(Math.abs(nn.utils.prune.sparsity(m.weight) - 6 / 8) < 1e-6);
    assert.ok(m.weight instanceof nn.Parameter);
    assert.throws(() => nn.utils.prune.remove(m, "weight"), /"weight" of Linear is not pruned/);
  });
});

describe("fake quantisation", () => {
  it("rounds to the int8 grid with a straight-through gradient", () => {
    const x = lt.tensor([0.12, -0.26, 20, -0.04]).requiresGrad_();
    const y = F.fakeQuantize(x, 0.1, 0, -128, 127);
    const v = Array.from(y.dataSync());
    [0.1, -0.3, 12.7, -0].forEach((e, i) => {
      assert.ok(Math.abs(v[i]! - e) < 1e-6, `${v[i]} vs ${e}`);
    });
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.dataSync()), [1, 1, 0, 1]);
    const [scale, zp] = nn.utils.calculateQParams(-1, 3);
    assert.ok(Math.abs(scale - 4 / 255) < 1e-9);
    assert.equal(zp, -128 - Math.round(-1 / scale));
  });

  it("FakeQuantize observes the range in training", () => {
    const fq = new nn.FakeQuantize();
    fq(lt.tensor([-1, 2]));
    assert.deepEqual([fq.min_val.itemSync(), fq.max_val.itemSync()], [-1, 2]);
    fq(lt.tensor([-3, 4]));
    assert.ok(Math.abs((fq.min_val.itemSync() as number) - -1.02) < 1e-6);
    fq.eval();
    fq(lt.tensor([-100, 100]));
    assert.ok(
      Math.abs((fq.max_val.itemSync() as number) - 2.02) < 1e-6,
      "eval mode does not observe",
    );
  });
});

describe("sequences and encodings", () => {
  it("padSequence pads and stacks; packPaddedSequence checks lengths", () => {
    const p = nn.utils.rnn.padSequence([lt.ones([3, 2]), lt.ones([1, 2])], {
      batchFirst: true,
      paddingValue: -1,
    });
    assert.deepEqual(p.arraySync(), [
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      [
        [1, 1],
        [-1, -1],
        [-1, -1],
      ],
    ]);
    assert.throws(
      () => nn.utils.rnn.packPaddedSequence(lt.zeros([3, 2, 1]), [1, 3]),
      /sorted in decreasing order/,
    );
    assert.throws(
      () => nn.utils.rnn.packPaddedSequence(lt.zeros([3, 2, 1]), [4, 3]),
      /length 4 of sequence 0 must be in \[1, 3\]/,
    );
    const packed = nn.utils.rnn.packPaddedSequence(lt.ones([3, 2, 1]), [3, 1]);
    const [padded, lengths] = nn.utils.rnn.padPackedSequence(packed, { paddingValue: 9 });
    assert.deepEqual(Array.from(padded.reshape([-1]).dataSync()), [1, 1, 1, 9, 1, 9]);
    assert.deepEqual(Array.from(lengths.dataSync()), [3, 1]);
  });

  it("a packed batch gives each sequence the result it has alone", () => {
    lt.manualSeed(8);
    const gru = new nn.GRU(3, 4, { bidirectional: true });
    const seqs = [lt.randn([2, 3]), lt.randn([5, 3]), lt.randn([4, 3])];
    const [out, h] = gru(nn.utils.rnn.packSequence(seqs, { enforceSorted: false }));
    const [padded] = nn.utils.rnn.padPackedSequence(out);
    seqs.forEach((s, b) => {
      const [alone, hAlone] = gru(s);
      const mine = padded.select(1, b).narrow(0, 0, s.shape[0]!);
      const d = mine.sub(alone).abs().amax().itemSync() as number;
      assert.ok(d < 1e-5, `sequence ${b}: outputs differ by ${d}`);
      const dh = h.select(1, b).sub(hAlone).abs().amax().itemSync() as number;
      assert.ok(dh < 1e-5, `sequence ${b}: final states differ by ${dh}`);
    });
  });

  it("MaxUnpool2d puts pooled maxima back in place", () => {
    const x = lt.tensor([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 1],
          [0, 0, 1, 1],
          [2, 9, 1, 3],
        ],
      ],
    ]);
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(x);
    const y = new nn.MaxUnpool2d(2)(v, i);
    assert.deepEqual(y.arraySync(), [
      [
        [
          [0, 5, 0, 0],
          [0, 0, 8, 0],
          [0, 0, 0, 0],
          [0, 9, 0, 3],
        ],
      ],
    ]);
    assert.equal(String(new nn.MaxUnpool2d(2)), "MaxUnpool2d(kernel_size=2, stride=2, padding=0)");
  });

  it("oneHot, causalMask and sinusoidalEncoding", () => {
    assert.deepEqual(F.oneHot(lt.tensor([0, 2], { dtype: "int32" }), 3).arraySync(), [
      [1, 0, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(F.causalMask(2).arraySync(), [
      [0, Number.NEGATIVE_INFINITY],
      [0, 0],
    ]);
    const pe = nn.sinusoidalEncoding(3, 4).arraySync() as number[][];
    assert.ok(Math.abs(pe[2]![0]! - Math.sin(2)) < 1e-6);
    assert.ok(Math.abs(pe[2]![3]! - Math.cos(2 / 100)) < 1e-6);
  });

  it("MultiheadAttention rejects masks of the wrong shape", () => {
    const mha = new nn.MultiheadAttention(8, 2);
    const x = lt.randn([3, 2, 8]);
    assert.throws(
      () => mha(x, x, x, { attnMask: lt.zeros([2, 2]) }),
      /attnMask must be \[3, 3\] or \[4, 3, 3\]/,
    );
    assert.throws(
      () => new nn.MultiheadAttention(10, 3),
      /embedDim \(10\) must be divisible by numHeads \(3\)/,
    );
    const [, w] = mha(x, x, x, { isCausal: true });
    const wv = w!.dataSync();
    assert.equal(wv[1], 0, "no weight above the diagonal");
  });
});
