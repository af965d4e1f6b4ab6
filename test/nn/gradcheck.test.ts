// Finite-difference checks of the gradients of nn's composed functions
// (the PyTorch fixtures check the same gradients against another framework).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";

const F = nn.functional;
const check = (fn: (...xs: lt.Tensor[]) => lt.Tensor, inputs: lt.Tensor[]) =>
  assert.ok(lt.autograd.gradcheck(fn, inputs, { eps: 1e-2, atol: 2e-3, rtol: 2e-2 }));
const leaf = (shape: number[]) => lt.randn(shape).requiresGrad_();

describe("gradcheck of nn functions", () => {
  it("cross entropy with weights, label smoothing and ignored targets", () => {
    lt.manualSeed(0);
    const y = lt.tensor([0, 2, 1, 2], { dtype: "int32" });
    const w = lt.tensor([0.5, 1, 2]);
    check(
      (x) => F.crossEntropy(x, y, { weight: w, labelSmoothing: 0.2, ignoreIndex: 1 }),
      [leaf([4, 3])],
    );
    const probs = lt.randn([4, 3]).softmax(1);
    check((x) => F.crossEntropy(x, probs, { labelSmoothing: 0.1 }), [leaf([4, 3])]);
  });

  it("binary cross entropy with logits, KL divergence, cosine embedding", () => {
    lt.manualSeed(1);
    const t = lt.rand([3, 2]);
    check(
      (z) => F.binaryCrossEntropyWithLogits(z, t, { posWeight: lt.tensor([2, 0.5]) }),
      [leaf([3, 2])],
    );
    const q = lt.randn([3, 4]).softmax(1);
    check((x) => F.klDiv(x.logSoftmax(1), q, { reduction: "batchmean" }), [leaf([3, 4])]);
    check(
      (a, b) => F.cosineEmbeddingLoss(a, b, lt.tensor([1, -1, 1]), { margin: -0.5 }),
      [leaf([3, 4]), leaf([3, 4])],
    );
  });

  it("bilinear, attention with a causal mask, graph convolution", () => {
    lt.manualSeed(2);
    check(
      (a, b, w) => F.bilinear(a, b, w).square().sum(),
      [leaf([2, 3]), leaf([2, 2]), leaf([4, 3, 2])],
    );
    check(
      (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }).sum(),
      [leaf([2, 3, 4]), leaf([2, 3, 4]), leaf([2, 3, 4])],
    );
    const adj = lt.tensor([
      [0, 1, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
    check((x, w) => F.gcnNorm(adj).matmul(x.matmul(w)).tanh().sum(), [leaf([3, 2]), leaf([2, 2])]);
  });

  it("an LSTM through its parameters", () => {
    lt.manualSeed(3);
    const lstm = new nn.LSTMCell(2, 3) as any;
    const x = lt.randn([2, 2]);
    // Unregistered, the weights become plain attributes that may hold any tensor.
    delete lstm.weight_ih;
    delete lstm.weight_hh;
    check(
      (wih, whh) => {
        lstm.weight_ih = wih;
        lstm.weight_hh = whh;
        return lstm(x)[1].sum();
      },
      [leaf([12, 2]), leaf([12, 3])],
    );
  });
});
