// Losses against PyTorch (value and input gradients for every reduction and
// option), plus the course's composite losses checked against their formulas.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import { assertClose, decode, type Encoded, fixtures, revive } from "./fixtures.js";

const F = nn.functional;

interface LossCase {
  name: string;
  lt: [string, Record<string, unknown>];
  inputs: Encoded[];
  output: Encoded;
  outputGrad: Encoded;
  inputGrads: (Encoded | null)[];
}

describe("losses match PyTorch", () => {
  for (const c of fixtures.losses as LossCase[]) {
    it(c.name, () => {
      const [name, options] = c.lt;
      const loss = new (nn as any)[name](revive(options)) as nn.Module;
      const inputs = c.inputs.map((e, i) => {
        const t = decode(e);
        return c.inputGrads[i] ? t.requiresGrad_() : t;
      });
      const out = loss(...inputs);
      assertClose(out, c.output, "loss");
      out.mul(decode(c.outputGrad)).sum().backward();
      c.inputGrads.forEach((g, i) => {
        if (g) assertClose(inputs[i]!.grad!, g, `grad of input ${i}`);
      });
    });
  }
});

interface FunctionCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: Encoded[];
  output: Encoded;
  outputGrad: Encoded;
  inputGrads: Encoded[];
}

describe("distance functions match PyTorch", () => {
  for (const c of fixtures.functions as FunctionCase[]) {
    it(c.name, () => {
      const inputs = c.inputs.map((e) => decode(e).requiresGrad_());
      const out = (F as any)[c.fn](...inputs, c.options) as lt.Tensor;
      assertClose(out, c.output, "value");
      out.mul(decode(c.outputGrad)).sum().backward();
      c.inputGrads.forEach((g, i) => {
        assertClose(inputs[i]!.grad!, g, `grad of input ${i}`);
      });
    });
  }
});

describe("loss argument checks", () => {
  it("names mismatched shapes and bad targets", () => {
    assert.throws(
      () => F.mseLoss(lt.zeros([2, 3]), lt.zeros([3, 2])),
      /mseLoss: input \[2,3\] and target \[3,2\]/,
    );
    assert.throws(
      () => F.crossEntropy(lt.zeros([2, 3]), lt.tensor([0, 3], { dtype: "int32" })),
      /target values must be in \[0, 2\]/,
    );
    assert.throws(
      () => F.crossEntropy(lt.zeros([2, 3]), lt.tensor([0, 1, 2], { dtype: "int32" })),
      /needs class-index targets of shape \[2\], got \[3\]/,
    );
    assert.throws(
      () => F.l1Loss(lt.zeros([2]), lt.zeros([2]), { reduction: "avg" as any }),
      /reduction "avg"/,
    );
  });
});

describe("composite losses", () => {
  it("gaussianKl is the closed-form KL to N(0, I)", () => {
    const mu = lt.tensor([[0.5, -1]]);
    const logvar = lt.tensor([[0.2, -0.3]]);
    const expected = [0.5, -1].reduce(
      (a, m, i) => a - 0.5 * (1 + [0.2, -0.3][i]! - m * m - Math.exp([0.2, -0.3][i]!)),
      0,
    );
    assert.ok(Math.abs((F.gaussianKl(mu, logvar).itemSync() as number) - expected) < 1e-5);
  });

  it("vaeLoss adds reconstruction and beta-weighted KL, and reparameterize passes gradients", () => {
    lt.manualSeed(0);
    const mu = lt.tensor([[0.1, 0.2]]).requiresGrad_();
    const logvar = lt.tensor([[0.0, -0.5]]).requiresGrad_();
    const z = F.reparameterize(mu, logvar);
    const x = lt.tensor([[0.2, 0.9]]);
    const recon = z.sigmoid();
    const { loss, reconstruction, kl } = F.vaeLoss(recon, x, mu, logvar, { beta: 2 });
    const sum = (reconstruction.itemSync() as number) + 2 * (kl.itemSync() as number);
    assert.ok(Math.abs((loss.itemSync() as number) - sum) < 1e-5);
    loss.backward();
    assert.ok(mu.grad && logvar.grad, "gradients reach mu and logvar");
  });

  it("GAN losses have their textbook values", () => {
    const real = lt.tensor([2, 1]);
    const fake = lt.tensor([-1, 0.5]);
    const sp = (v: number) => Math.log1p(Math.exp(v));
    const d = (sp(-2) + sp(-1)) / 2 + (sp(-1) + sp(0.5)) / 2;
    assert.ok(Math.abs((F.ganDiscriminatorLoss(real, fake).itemSync() as number) - d) < 1e-5);
    const g = (sp(1) + sp(-0.5)) / 2;
    assert.ok(Math.abs((F.ganGeneratorLoss(fake).itemSync() as number) - g) < 1e-5);
    assert.ok(
      Math.abs(
        (F.ganDiscriminatorLoss(real, fake, "wasserstein").itemSync() as number) - (-0.25 - 1.5),
      ) < 1e-6,
    );
    const hinge =
      (Math.max(0, 1 - 2) + Math.max(0, 1 - 1)) / 2 + (Math.max(0, 1 - 1) + Math.max(0, 1.5)) / 2;
    assert.ok(
      Math.abs((F.ganDiscriminatorLoss(real, fake, "hinge").itemSync() as number) - hinge) < 1e-6,
    );
  });

  it("distillationLoss is T²·KL of the softened distributions plus weighted CE", () => {
    const s = lt.tensor([[1, 2, 0.5]]);
    const t = lt.tensor([[0.5, 2.5, 0]]);
    const y = lt.tensor([1], { dtype: "int32" });
    const T = 2;
    const soft = (v: number[]) => {
      const e = v.map((a) => Math.exp(a / T));
      const z = e.reduce((a, b) => a + b);
      return e.map((a) => a / z);
    };
    const ps = soft([1, 2, 0.5]);
    const pt = soft([0.5, 2.5, 0]);
    const kl = pt.reduce((a, p, i) => a + p * Math.log(p / ps[i]!), 0) * T * T;
    const e = [1, 2, 0.5].map(Math.exp);
    const ce = -Math.log(e[1]! / e.reduce((a, b) => a + b));
    const got = F.distillationLoss(s, t, y, { temperature: T, alpha: 0.7 }).itemSync() as number;
    assert.ok(Math.abs(got - (0.7 * kl + 0.3 * ce)) < 1e-5, `${got}`);
  });
});

describe("binaryCrossEntropy at saturated predictions", () => {
  it("has PyTorch's finite value and gradient where p is exactly 0 or 1", () => {
    // torch: binary_cross_entropy([1, 0, 0.3, 0.9], [1, 0, 1, 0], reduction="sum")
    // = 3.5065577, grad [0, 0, -3.3333333, 10.0] (logs clamped at -100,
    // gradient (p - y) / max(p(1 - p), 1e-12)).
    const p = lt.tensor([1, 0, 0.3, 0.9], { requiresGrad: true });
    const loss = nn.functional.binaryCrossEntropy(p, lt.tensor([1, 0, 1, 0]), { reduction: "sum" });
    loss.backward();
    assert.ok(Math.abs(Number(loss.itemSync()) - 3.5065577) < 1e-5);
    const g = Array.from(p.grad!.dataSync());
    assert.ok(g.every(Number.isFinite), `finite gradient, got ${g}`);
    const want = [0, 0, -10 / 3, 10];
    for (const [i, v] of g.entries())
      assert.ok(Math.abs(v - want[i]!) < 1e-4, `grad[${i}] = ${v}, want ${want[i]}`);
    // A mismatched saturated prediction stays finite too (value 100, large gradient).
    const q = lt.tensor([1], { requiresGrad: true });
    const wrong = nn.functional.binaryCrossEntropy(q, lt.tensor([0]));
    wrong.backward();
    assert.equal(wrong.itemSync(), 100);
    assert.ok(Number.isFinite(Number(q.grad!.itemSync())));
  });

  it("passes gradcheck away from saturation", () => {
    const p = lt.tensor([0.2, 0.7, 0.5], { requiresGrad: true });
    const y = lt.tensor([1, 0, 1]);
    assert.equal(
      lt.autograd.gradcheck((x: lt.Tensor) => nn.functional.binaryCrossEntropy(x, y), [p]),
      true,
    );
  });
});
