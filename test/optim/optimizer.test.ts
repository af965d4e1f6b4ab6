import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as lt from "../../index.js";
import * as optim from "../../optim/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  assertClose,
  lossAndGrad,
  makeParams,
  type ProblemName,
  type Problems,
} from "./problems.js";

interface Case {
  optimizer: "SGD" | "Adagrad" | "RMSprop" | "Adadelta" | "Adam" | "AdamW";
  options: Record<string, unknown>;
  groups?: Array<Record<string, unknown> & { params: number[] }>;
  problem: ProblemName;
  steps: number;
  losses: number[];
  trajectory: number[][][];
}

const fixture: { problems: Problems; cases: Case[]; curves: Case[] } = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/optim/optimizers.json", import.meta.url), "utf8"),
);

export function build(c: Case, params: Tensor[]): optim.Optimizer<any> {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the fixture names the optimizer class
  const Cls = optim[c.optimizer] as unknown as new (p: unknown, o: unknown) => optim.Optimizer<any>;
  if (c.groups === undefined) return new Cls(params, c.options);
  const groups = c.groups.map(({ params: ids, ...rest }) => ({
    params: ids.map((i) => params[i]!),
    ...rest,
  }));
  return new Cls(groups, c.options);
}

function replay(c: Case, rtol: number, atol: number): void {
  const params = makeParams(fixture.problems, c.problem);
  const opt = build(c, params);
  for (let step = 0; step < c.steps; step++) {
    opt.zeroGrad();
    const loss = lossAndGrad(fixture.problems, c.problem, params);
    opt.step();
    assertClose([loss], [c.losses[step]!], rtol, atol, `loss before step ${step + 1}`);
    params.forEach((p, i) => {
      assertClose(
        Array.from(p.dataSync() as Float32Array),
        c.trajectory[step]![i]!,
        rtol,
        atol,
        `param ${i} after step ${step + 1}`,
      );
    });
  }
}

const label = (c: Case) =>
  `${c.optimizer}(${JSON.stringify(c.options)}${c.groups ? `, groups ${JSON.stringify(c.groups)}` : ""}) on ${c.problem}`;

describe("optimizer trajectories equal PyTorch's (25 steps)", () => {
  for (const c of fixture.cases) it(label(c), () => replay(c, 1e-4, 1e-5));
});

describe("the optimisation lecture's curves (200 steps) equal PyTorch's", () => {
  for (const c of fixture.curves) it(label(c), () => replay(c, 1e-4, 2e-5));
});

describe("Optimizer behaviour", () => {
  it("step(closure) evaluates the loss with autograd and returns it", () => {
    const p = lt.tensor([-1.5, 2.0], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 1e-3, momentum: 0.9 });
    const rosenbrock = () => {
      const [x, y] = [p.select(0, 0), p.select(0, 1)];
      return x
        .neg()
        .add(1)
        .pow(2)
        .add(y.sub(x.pow(2)).pow(2).mul(100));
    };
    const expected = fixture.curves.find(
      (c) => c.optimizer === "SGD" && c.options.momentum === 0.9 && !c.options.nesterov,
    )!;
    for (let step = 0; step < 20; step++) {
      const loss = opt.step(() => {
        opt.zeroGrad();
        const l = rosenbrock();
        l.backward();
        return l;
      });
      assertClose(
        [loss!.itemSync() as number],
        [expected.losses[step]!],
        1e-4,
        1e-5,
        `closure loss ${step}`,
      );
    }
    assertClose(
      Array.from(p.dataSync() as Float32Array),
      expected.trajectory[19]![0]!,
      1e-4,
      1e-5,
      "params",
    );
  });

  it("zeroGrad releases gradients by default, or zeroes them in place", () => {
    const p = lt.tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = lt.tensor([3, 4]);
    const g = p.grad;
    opt.zeroGrad({ setToNone: false });
    assert.equal(p.grad, g);
    assert.deepEqual(Array.from(p.grad.dataSync()), [0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  it("skips parameters without gradients and updates in place", () => {
    const a = lt.tensor([1, 1], { requiresGrad: true });
    const b = lt.tensor([1, 1], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    a.grad = lt.tensor([1, 2]);
    const before = a;
    opt.step();
    assert.equal(a, before);
    assert.deepEqual(Array.from(a.dataSync()), [0.5, 0]);
    assert.deepEqual(Array.from(b.dataSync()), [1, 1]);
  });

  it("validates arguments with PyTorch's messages", () => {
    const p = [lt.tensor([1], { requiresGrad: true })];
    assert.throws(() => new optim.SGD(p, { lr: -1 }), /^ValueError: Invalid learning rate: -1$/);
    assert.throws(() => new optim.SGD(p, { momentum: -0.5 }), /Invalid momentum value: -0.5/);
    assert.throws(() => new optim.SGD(p, { weightDecay: -1 }), /Invalid weight_decay value: -1/);
    assert.throws(
      () => new optim.SGD(p, { nesterov: true }),
      /Nesterov momentum requires a momentum and zero dampening/,
    );
    assert.throws(
      () => new optim.Adam(p, { betas: [1.0, 0.999] }),
      /Invalid beta parameter at index 0: 1/,
    );
    assert.throws(
      () => new optim.Adam(p, { betas: [0.9, -0.1] }),
      /Invalid beta parameter at index 1: -0.1/,
    );
    assert.throws(() => new optim.Adam(p, { eps: -1e-8 }), /Invalid epsilon value: -1e-8/);
    assert.throws(() => new optim.Adagrad(p, { lrDecay: -1 }), /Invalid lr_decay value: -1/);
    assert.throws(
      () => new optim.Adagrad(p, { initialAccumulatorValue: -1 }),
      /Invalid initial_accumulator_value value: -1/,
    );
    assert.throws(() => new optim.RMSprop(p, { alpha: -1 }), /Invalid alpha value: -1/);
    assert.throws(() => new optim.Adadelta(p, { rho: 1.5 }), /Invalid rho value: 1.5/);
    assert.throws(() => new optim.SGD([], {}), /optimizer got an empty parameter list/);
    const nonLeaf = p[0]!.mul(2);
    assert.throws(() => new optim.SGD([nonLeaf]), /can't optimize a non-leaf Tensor/);
    assert.throws(
      () => new optim.SGD([{ params: p }, { params: p }]),
      /some parameters appear in more than one parameter group/,
    );
  });

  it("prints its param groups like PyTorch", () => {
    const opt = new optim.SGD([lt.tensor([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    assert.equal(
      opt.toString(),
      "SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0.9\n    nesterov: false\n    weightDecay: 0\n)",
    );
  });

  it("param groups inherit defaults and override them", () => {
    const [w, b] = [lt.tensor([1], { requiresGrad: true }), lt.tensor([1], { requiresGrad: true })];
    const opt = new optim.Adam([{ params: [w] }, { params: [b], lr: 0.1 }], {
      lr: 0.01,
      betas: [0.8, 0.9],
    });
    assert.equal(opt.paramGroups[0]!.lr, 0.01);
    assert.equal(opt.paramGroups[1]!.lr, 0.1);
    assert.deepEqual(opt.paramGroups[1]!.betas, [0.8, 0.9]);
    assert.equal(opt.paramGroups[1]!.amsgrad, false);
  });

  it("stateDict/loadStateDict resume a run exactly", () => {
    const c = fixture.cases.find(
      (x) => x.optimizer === "Adam" && x.problem === "linreg" && !x.groups,
    )!;
    const params = makeParams(fixture.problems, c.problem);
    const opt = build(c, params);
    for (let s = 0; s < 10; s++) {
      opt.zeroGrad();
      lossAndGrad(fixture.problems, c.problem, params);
      opt.step();
    }
    const saved = opt.stateDict();
    assert.deepEqual(Object.keys(saved.state), ["0", "1"]);
    assert.equal(saved.state[0]!.step, 10);
    assert.deepEqual(saved.paramGroups[0]!.params, [0, 1]);
    // A fresh optimizer on copies of the parameters continues identically.
    const copies = params.map((p) => p.detach().clone().requiresGrad_(true));
    const resumed = build(c, copies);
    resumed.loadStateDict(saved);
    for (let s = 10; s < c.steps; s++) {
      resumed.zeroGrad();
      lossAndGrad(fixture.problems, c.problem, copies);
      resumed.step();
    }
    copies.forEach((p, i) => {
      assertClose(
        Array.from(p.dataSync() as Float32Array),
        c.trajectory[c.steps - 1]![i]!,
        1e-4,
        1e-5,
        `param ${i}`,
      );
    });
    assert.throws(
      () => resumed.loadStateDict({ state: {}, paramGroups: [] }),
      /different number of parameter groups/,
    );
  });
});
