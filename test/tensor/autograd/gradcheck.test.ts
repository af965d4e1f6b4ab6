/**
 * Finite-difference checks of every differentiable op (float32, central
 * differences, eps 1e-2, atol 1e-3, rtol 1e-2 — see GradcheckOptions), and
 * of second derivatives for elementwise ops, matmul and reductions.
 * Inputs are drawn so that no element sits within eps of a kink.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";

lt.manualSeed(7);

/** Standard normals pushed at least `gap` away from each of `kinks`. */
function away(shape: number[], kinks: number[] = [0], gap = 0.1): lt.Tensor {
  const x = lt.randn(shape);
  let out = x;
  for (const k of kinks) {
    const d = out.sub(k);
    out = lt.where(d.abs().lt(gap), d.sign().add(d.eq(0).float()).mul(gap).add(k), out);
  }
  return out.detach().requiresGrad_();
}

const positive = (shape: number[]) => lt.rand(shape).add(0.5).requiresGrad_();

type Case = [string, (...xs: lt.Tensor[]) => lt.Tensor, () => lt.Tensor[]];

const cases: Case[] = [
  ["add broadcast", (a, b) => a.add(b), () => [away([2, 3]), away([3])]],
  ["sub", (a, b) => a.sub(b, { alpha: 2 }), () => [away([2, 3]), away([2, 1])]],
  ["mul broadcast", (a, b) => a.mul(b), () => [away([2, 3]), away([1, 3])]],
  ["div", (a, b) => a.div(b), () => [away([2, 3]), positive([3])]],
  ["pow", (a, b) => a.pow(b), () => [positive([2, 3]), away([2, 3])]],
  [
    "maximum",
    (a, b) => lt.maximum(a, b),
    () => [away([4]), away([4], [0], 0.1).add(0.5).detach().requiresGrad_()],
  ],
  ["atan2", (a, b) => lt.atan2(a, b), () => [away([4]), positive([4])]],
  ["neg abs", (a) => a.neg().abs(), () => [away([5])]],
  ["exp log", (a) => a.exp().add(1).log(), () => [away([5])]],
  ["log1p expm1", (a) => a.log1p().add(a.expm1()), () => [positive([5])]],
  [
    "sqrt rsqrt reciprocal",
    (a) => a.sqrt().add(a.rsqrt()).add(a.reciprocal()),
    () => [positive([5])],
  ],
  ["sin cos tan", (a) => a.sin().add(a.cos()).add(a.mul(0.3).tan()), () => [away([5])]],
  ["tanh sigmoid erf", (a) => a.tanh().add(a.sigmoid()).add(a.erf()), () => [away([5])]],
  ["relu leakyRelu elu", (a) => a.relu().add(a.leakyRelu(0.1)).add(a.elu()), () => [away([6])]],
  [
    "gelu silu softplus",
    (a) =>
      a
        .gelu()
        .add(a.silu())
        .add(a.softplus())
        .add(a.gelu({ approximate: "tanh" })),
    () => [away([6])],
  ],
  ["clamp", (a) => a.clamp({ min: -0.5, max: 0.5 }), () => [away([6], [-0.5, 0.5])]],
  ["where", (c, a) => lt.where(c.gt(0), a, a.mul(3)), () => [away([4]).detach(), away([4])]],
  ["sum mean", (a) => a.sum(1).add(a.mean(0).sum()), () => [away([3, 4])]],
  ["var std", (a) => a.var(1).add(a.std(0, { correction: 0 }).sum()), () => [away([3, 4])]],
  ["prod", (a) => a.prod(1), () => [away([3, 4])]],
  ["amax amin", (a) => a.amax(1).add(a.amin(0).sum()), () => [away([3, 4])]],
  ["max dim", (a) => a.max(1).values, () => [away([3, 4])]],
  ["logsumexp", (a) => a.logsumexp(1), () => [away([3, 4])]],
  ["cumsum cumprod", (a) => a.cumsum(1).add(a.cumprod(1)), () => [away([2, 4])]],
  ["norm", (a) => a.norm(1).add(a.norm(undefined, { p: 3 })), () => [away([3, 4])]],
  ["softmax", (a) => a.softmax(1), () => [away([3, 4])]],
  ["logSoftmax", (a) => a.logSoftmax(0), () => [away([3, 4])]],
  ["matmul batched", (a, b) => a.matmul(b), () => [away([2, 3, 4]), away([4, 2])]],
  ["matmul vector", (a, b) => a.matmul(b), () => [away([4]), away([4, 3])]],
  ["einsum", (a, b) => lt.einsum("bij,bjk->bik", a, b), () => [away([2, 2, 3]), away([2, 3, 2])]],
  ["outer", (a, b) => lt.outer(a, b), () => [away([3]), away([2])]],
  [
    "views",
    (a) => a.t().reshape([2, 6]).narrow(1, 1, 4).unsqueeze(0).expand([3, 2, 4]),
    () => [away([6, 2])],
  ],
  [
    "index and slice",
    (a) => a.index(1, "::2").add(a.select(0, 0).slice(0, 1, 4, 2)),
    () => [away([3, 4])],
  ],
  [
    "cat stack split",
    (a, b) => lt.stack([lt.cat([a, b], 0).split(2)[0], a.mul(2)]),
    () => [away([2, 3]), away([1, 3])],
  ],
  [
    "gather scatter",
    (a, b) => {
      const idx = lt.tensor(
        [
          [0, 2],
          [1, 1],
        ],
        { dtype: "int32" },
      );
      return a.gather(1, idx).add(lt.zeros([2, 3]).scatterAdd(1, idx, b).sum(1, { keepdim: true }));
    },
    () => [away([2, 3]), away([2, 2])],
  ],
  [
    "indexSelect indexAdd",
    (a, b) => {
      const idx = lt.tensor([2, 0, 2], { dtype: "int32" });
      return a.indexSelect(0, idx).add(a.indexAdd(0, idx, b).sum(0));
    },
    () => [away([3, 2]), away([3, 2])],
  ],
  ["maskedFill tril", (a) => a.maskedFill(a.gt(1), 0).tril(), () => [away([3, 3], [0, 1])]],
  [
    "pad flip roll repeat",
    (a) => lt.pad(a, [1, 2], { mode: "reflect" }).flip([0]).roll(1, 1).repeat([2, 1]),
    () => [away([2, 4])],
  ],
  ["diagonal trace", (a) => a.diagonal(1).add(a.narrow(1, 0, 3).trace()), () => [away([3, 4])]],
  [
    "sort topk maskedSelect",
    (a) =>
      lt.cat([
        a.sort(1).values.reshape([-1]),
        a.topk(2).values.reshape([-1]),
        a.maskedSelect(a.gt(0)),
      ]),
    () => [away([2, 4])],
  ],
  [
    "minimum remainder square",
    (a, b) => lt.minimum(a, b).add(a.remainder(1.7)).add(b.square()),
    () => [
      away([4], [-3.4, -1.7, 0, 1.7, 3.4]),
      away([4], [0], 0.1).add(0.3).detach().requiresGrad_(),
    ],
  ],
  ["min dim", (a) => a.min(0).values, () => [away([3, 4])]],
  [
    "permute squeeze flatten movedim unflatten",
    (a) =>
      a.unsqueeze(1).permute([2, 1, 0]).squeeze(1).movedim(0, 1).flatten().unflatten(0, [2, 6]),
    () => [away([3, 4])],
  ],
  [
    "chunk unbind",
    (a) =>
      lt.stack([
        ...a.chunk(2, 1),
        ...a
          .unbind(1)
          .slice(0, 2)
          .map((t) => t.unsqueeze(1).expand([3, 2])),
      ]),
    () => [away([3, 4])],
  ],
  [
    "scatter triu",
    (a, b) => a.scatter(1, lt.tensor([[0], [2], [1]], { dtype: "int32" }), b).triu(),
    () => [away([3, 3]), away([3, 1])],
  ],
  [
    "bmm dot diag",
    (a, b) =>
      a
        .bmm(b)
        .sum(0)
        .diag()
        .sum()
        .add(a.reshape([-1]).dot(a.reshape([-1])))
        .add(
          lt
            .diag(b.reshape([-1]).narrow(0, 0, 3))
            .sum(1)
            .sum(),
        ),
    () => [away([2, 2, 3]), away([2, 3, 2])],
  ],
  [
    "cast clone contiguous to",
    (a) => a.cast("float32").clone().t().contiguous().to("cpu"),
    () => [away([2, 3])],
  ],
  [
    "pad replicate circular",
    (a) => lt.pad(lt.pad(a, [2, 1], { mode: "replicate" }), [1, 2], { mode: "circular" }),
    () => [away([2, 3])],
  ],
  [
    "meshgrid",
    (a, b) => lt.meshgrid([a, b]).reduce((x, y) => x.mul(y)),
    () => [away([3]), away([2])],
  ],
  [
    "in-place on a non-leaf",
    (a, b) => {
      const y = a.mul(1);
      y.mul_(b).add_(1).pow_(2);
      return y.narrow(0, 0, 2).tanh_();
    },
    () => [away([3]), away([3])],
  ],
  ["pad constant", (a) => lt.pad(a, [1, 1, 0, 2], { value: 3 }), () => [away([2, 2])]],
];

describe("gradcheck of every differentiable op", () => {
  for (const [name, fn, make] of cases) {
    it(name, () => {
      assert.equal(lt.autograd.gradcheck(fn, make()), true);
    });
  }

  it("reports a wrong gradient", () => {
    // sin with the derivative of cos: a deliberately broken op.
    const broken = (x: lt.Tensor) => {
      const out = lt.noGrad(() => x.sin());
      return lt.autograd.record(out, "brokenSin", [x], (g) => [g.mul(x.sin().neg())]);
    };
    assert.throws(
      () => lt.autograd.gradcheck(broken, [away([3])]),
      /gradient mismatch for input 0/,
    );
    assert.equal(lt.autograd.gradcheck(broken, [away([3])], { raiseException: false }), false);
  });
});

describe("second derivatives (createGraph)", () => {
  const secondCases: Case[] = [
    ["elementwise", (a) => a.tanh().mul(a.exp()).sigmoid(), () => [away([4])]],
    ["softplus gelu", (a) => a.softplus().add(a.gelu()), () => [away([4])]],
    ["matmul", (a, b) => a.matmul(b).tanh(), () => [away([2, 3]), away([3, 2])]],
    [
      "reductions",
      (a) => a.logsumexp(1).add(a.var(0).sum()).add(a.softmax(1).pow(2).sum(1)),
      () => [away([2, 3])],
    ],
    ["pow and div", (a, b) => a.pow(3).div(b), () => [away([3]), positive([3])]],
  ];
  for (const [name, fn, make] of secondCases) {
    it(`${name}: gradcheck of the gradient`, () => {
      const inputs = make();
      const firstGrad = (...xs: lt.Tensor[]) => {
        const out = fn(...xs);
        const grads = lt.autograd.grad(out.sum(), xs, { createGraph: true });
        return lt.cat(grads.map((g) => g!.reshape([-1])));
      };
      assert.equal(lt.autograd.gradcheck(firstGrad, inputs), true);
    });
  }

  it("gives 6x for the second derivative of x^3", () => {
    const x = lt.tensor([1.5, -2], { requiresGrad: true });
    const [dx] = lt.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
    const [ddx] = lt.autograd.grad(dx!.sum(), [x]);
    assert.deepEqual(Array.from(ddx!.dataSync()), [9, -12]);
  });
});
