// nn.init and every layer's default initialisation against PyTorch's
// formulas: bounds of uniform inits, standard deviations (within sampling
// error), zero/one fills, orthogonality, and reproducibility under manualSeed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fixtures } from "./fixtures.js";

function stats(t: Tensor) {
  const v = Array.from(t.dataSync() as Float32Array);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

function assertUniform(t: Tensor, bound: number, label: string) {
  const s = stats(t);
  assert.ok(
    s.min >= -bound && s.max <= bound,
    `${label}: within ±${bound} (got [${s.min}, ${s.max}])`,
  );
  assert.ok(s.max > 0.9 * bound && s.min < -0.9 * bound, `${label}: fills the range`);
  const std = bound / Math.sqrt(3);
  assert.ok(Math.abs(s.std - std) < 0.06 * std, `${label}: std ${s.std} vs ${std}`);
}

function assertNormal(t: Tensor, std: number, label: string) {
  const s = stats(t);
  assert.ok(Math.abs(s.mean) < 0.08 * std, `${label}: mean ${s.mean}`);
  assert.ok(Math.abs(s.std - std) < 0.06 * std, `${label}: std ${s.std} vs ${std}`);
}

function assertFilled(t: Tensor, value: number, label: string) {
  assert.ok(
    t.dataSync().every((v) => v === value),
    `${label}: all ${value}`,
  );
}

describe("nn.init", () => {
  it("calculateGain matches PyTorch", () => {
    for (const [nl, gain] of Object.entries(
      fixtures.init.calculateGain as Record<string, number>,
    )) {
      const got = nn.init.calculateGain(
        nl as nn.init.Nonlinearity,
        nl === "leaky_relu" ? 0.2 : undefined,
      );
      assert.ok(Math.abs(got - gain) < 1e-12, `${nl}: ${got} vs ${gain}`);
    }
    assert.throws(() => nn.init.calculateGain("swish" as any), /unsupported nonlinearity "swish"/);
  });

  it("computes fans of linear and conv weights", () => {
    assert.deepEqual(nn.init.calculateFanInAndFanOut(lt.zeros([16, 3, 5, 5])), [75, 400]);
    assert.throws(() => nn.init.calculateFanInAndFanOut(lt.zeros([4])), /fewer than 2 dimensions/);
  });

  it("fills with the documented distributions", () => {
    lt.manualSeed(0);
    const w = lt.zeros([300, 200]);
    assertUniform(nn.init.uniform_(w, -0.3, 0.3), 0.3, "uniform_");
    assertNormal(nn.init.normal_(w, 0, 0.5), 0.5, "normal_");
    assertUniform(nn.init.xavierUniform_(w, 2), 2 * Math.sqrt(6 / 500), "xavierUniform_");
    assertNormal(nn.init.xavierNormal_(w), Math.sqrt(2 / 500), "xavierNormal_");
    assertUniform(
      nn.init.kaimingUniform_(w),
      Math.sqrt(2) * Math.sqrt(3 / 200),
      "kaimingUniform_ fanIn",
    );
    assertNormal(
      nn.init.kaimingNormal_(w, { mode: "fanOut", nonlinearity: "relu" }),
      Math.sqrt(2) / Math.sqrt(300),
      "kaimingNormal_ fanOut",
    );
    assertUniform(
      nn.init.kaimingUniform_(w, { a: 0.2, nonlinearity: "leaky_relu" }),
      Math.sqrt(2 / 1.04) * Math.sqrt(3 / 200),
      "kaimingUniform_ leaky",
    );
    assertFilled(nn.init.constant_(w, 0.25), 0.25, "constant_");
    assertFilled(nn.init.ones_(w), 1, "ones_");
    assertFilled(nn.init.zeros_(w), 0, "zeros_");
    const tn = stats(nn.init.truncNormal_(w, 0, 1, -1, 1));
    assert.ok(tn.min >= -1 && tn.max <= 1);
    // std of N(0,1) truncated to [-1, 1]
    assert.ok(Math.abs(tn.std - 0.5379) < 0.02, `truncNormal_ std ${tn.std}`);
  });

  it("orthogonal_ gives orthonormal rows or columns, times the gain", () => {
    lt.manualSeed(1);
    for (const [r, c] of [
      [4, 7],
      [7, 4],
      [5, 5],
    ] as const) {
      const w = nn.init.orthogonal_(lt.zeros([r, c]), 2);
      const g = r <= c ? w.matmul(w.transpose(0, 1)) : w.transpose(0, 1).matmul(w);
      const n = Math.min(r, c);
      const v = g.dataSync();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) assert.ok(Math.abs(v[i * n + j]! - (i === j ? 4 : 0)) < 1e-4);
      }
    }
  });

  it("is reproducible under lt.manualSeed", () => {
    lt.manualSeed(42);
    const a = new nn.Linear(5, 3).weight.dataSync();
    lt.manualSeed(42);
    const b = new nn.Linear(5, 3).weight.dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
  });
});

describe("default initialisation of layers equals PyTorch's", () => {
  it("Linear, Bilinear, Conv and ConvTranspose: U(±1/√fanIn)", () => {
    lt.manualSeed(2);
    const lin = new nn.Linear(400, 300);
    assertUniform(lin.weight, 1 / Math.sqrt(400), "Linear.weight");
    assertUniform(lin.bias!, 1 / Math.sqrt(400), "Linear.bias");
    const conv = new nn.Conv2d(16, 200, 3);
    assertUniform(conv.weight, 1 / Math.sqrt(16 * 9), "Conv2d.weight");
    assertUniform(conv.bias!, 1 / Math.sqrt(16 * 9), "Conv2d.bias");
    const convT = new nn.ConvTranspose2d(64, 32, 3, { groups: 2 });
    assert.deepEqual(convT.weight.shape, [64, 16, 3, 3]);
    assertUniform(convT.weight, 1 / Math.sqrt(16 * 9), "ConvTranspose2d.weight");
    const bil = new nn.Bilinear(30, 20, 40);
    assertUniform(bil.weight, 1 / Math.sqrt(30), "Bilinear.weight");
  });

  it("recurrent layers: U(±1/√hidden)", () => {
    lt.manualSeed(3);
    const lstm = new nn.LSTM(50, 100, { numLayers: 2 });
    for (const [name, p] of lstm.namedParameters()) assertUniform(p, 0.1, `LSTM.${name}`);
    const cell = new nn.GRUCell(20, 64);
    assertUniform(cell.weight_hh, 1 / 8, "GRUCell.weight_hh");
  });

  it("Embedding N(0,1) with a zero padding row; norms ones/zeros; PReLU 0.25", () => {
    lt.manualSeed(4);
    const emb = new nn.Embedding(300, 100, { paddingIdx: 3 });
    assertNormal(emb.weight, 1, "Embedding.weight");
    assertFilled(emb.weight.select(0, 3), 0, "padding row");
    const bn = new nn.BatchNorm2d(8);
    assertFilled(bn.weight!, 1, "bn.weight");
    assertFilled(bn.bias!, 0, "bn.bias");
    assertFilled(bn.running_var!, 1, "running_var");
    assert.equal(bn.num_batches_tracked!.dtype, "int32");
    const ln = new nn.LayerNorm([4, 5]);
    assertFilled(ln.weight!, 1, "ln.weight");
    assertFilled(new nn.PReLU().weight, 0.25, "PReLU.weight");
  });

  it("MultiheadAttention: Xavier-uniform in_proj, zero biases; Transformer: Xavier on matrices", () => {
    lt.manualSeed(5);
    const mha = new nn.MultiheadAttention(128, 4);
    const inProj = mha._parameters.get("in_proj_weight")!;
    assertUniform(inProj, Math.sqrt(6 / (128 + 384)), "in_proj_weight");
    assertFilled(mha._parameters.get("in_proj_bias")!, 0, "in_proj_bias");
    assertFilled(mha.out_proj.bias!, 0, "out_proj.bias");
    assertUniform(mha.out_proj.weight, 1 / Math.sqrt(128), "out_proj.weight");
    const tr = new nn.Transformer({
      dModel: 64,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 256,
    });
    const lin1 = tr.getSubmodule("encoder.layers.0.linear1") as nn.Linear;
    assertUniform(lin1.weight, Math.sqrt(6 / (64 + 256)), "Transformer linear1.weight");
  });
});
