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

interface Spec {
  name: string;
  options: Record<string, any>;
  schedulers?: Spec[];
}

interface Case {
  scheduler: Spec;
  optimizer: "SGD" | "Adam";
  options: Record<string, unknown>;
  groups?: Array<Record<string, unknown> & { params: number[] }>;
  problem: ProblemName;
  steps: number;
  metrics: number[] | null;
  trajectory: number[][][];
  perStep: Array<Array<{ lr: number; momentum?: number; beta1?: number }>>;
}

const fixture: { problems: Problems; cases: Case[] } = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/optim/schedulers.json", import.meta.url), "utf8"),
);

type Scheduler = { step(metric?: number): void; getLastLr(): number[] };

function makeScheduler(opt: optim.Optimizer<any>, spec: Spec): Scheduler {
  const o = spec.options;
  switch (spec.name) {
    case "StepLR":
      return new optim.StepLR(opt, o.stepSize, { gamma: o.gamma });
    case "MultiStepLR":
      return new optim.MultiStepLR(opt, o.milestones, { gamma: o.gamma });
    case "ExponentialLR":
      return new optim.ExponentialLR(opt, o.gamma);
    case "CosineAnnealingLR":
      return new optim.CosineAnnealingLR(opt, o.TMax, { etaMin: o.etaMin });
    case "LinearLR":
      return new optim.LinearLR(opt, o);
    case "OneCycleLR": {
      const { maxLr, ...rest } = o;
      return new optim.OneCycleLR(opt, maxLr, rest);
    }
    case "SequentialLR":
      return new optim.SequentialLR(
        opt,
        spec.schedulers!.map((s) => makeScheduler(opt, s) as optim.LRScheduler),
        o.milestones,
      );
    case "ReduceLROnPlateau":
      return new optim.ReduceLROnPlateau(opt, o);
  }
  throw new Error(`unknown scheduler ${spec.name}`);
}

function buildOptimizer(c: Case, params: Tensor[]): optim.Optimizer<any> {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the fixture names the optimizer class
  const Cls = optim[c.optimizer] as unknown as new (p: unknown, o: unknown) => optim.Optimizer<any>;
  if (c.groups === undefined) return new Cls(params, c.options);
  return new Cls(
    c.groups.map(({ params: ids, ...rest }) => ({ params: ids.map((i) => params[i]!), ...rest })),
    c.options,
  );
}

describe("LR schedulers equal PyTorch's (lr, momentum/beta1 and parameters per step)", () => {
  for (const c of fixture.cases) {
    it(`${c.scheduler.name}(${JSON.stringify(c.scheduler.options)}) with ${c.optimizer}`, () => {
      assert.equal(c.perStep.length, c.steps);
      const params = makeParams(fixture.problems, c.problem);
      const opt = buildOptimizer(c, params);
      const sched = makeScheduler(opt, c.scheduler);
      for (let step = 0; step < c.steps; step++) {
        opt.zeroGrad();
        lossAndGrad(fixture.problems, c.problem, params);
        opt.step();
        if (c.metrics) sched.step(c.metrics[step]);
        else sched.step();
        const expected = c.perStep[step]!;
        opt.paramGroups.forEach((g, i) => {
          assertClose(
            [g.lr],
            [expected[i]!.lr],
            1e-7,
            1e-12,
            `lr of group ${i} after step ${step + 1}`,
          );
          if (expected[i]!.momentum !== undefined) {
            assertClose(
              [g.momentum as number],
              [expected[i]!.momentum!],
              1e-7,
              1e-12,
              `momentum after step ${step + 1}`,
            );
          }
          if (expected[i]!.beta1 !== undefined) {
            assertClose(
              [(g.betas as number[])[0]!],
              [expected[i]!.beta1!],
              1e-7,
              1e-12,
              `beta1 after step ${step + 1}`,
            );
          }
        });
        assert.deepEqual(
          sched.getLastLr(),
          opt.paramGroups.map((g) => g.lr),
        );
        params.forEach((p, i) => {
          assertClose(
            Array.from(p.dataSync() as Float32Array),
            c.trajectory[step]![i]!,
            1e-4,
            1e-5,
            `param ${i} after step ${step + 1}`,
          );
        });
      }
    });
  }
});

describe("scheduler argument checks", () => {
  const opt = () => new optim.SGD([lt.tensor([1], { requiresGrad: true })], { lr: 0.1 });
  it("uses PyTorch's messages", () => {
    assert.throws(
      () => new optim.LinearLR(opt(), { startFactor: 2 }),
      /Starting multiplicative factor expected/,
    );
    assert.throws(
      () => new optim.OneCycleLR(opt(), 0.1),
      /You must define either total_steps OR \(epochs AND steps_per_epoch\)/,
    );
    assert.throws(
      () => new optim.ReduceLROnPlateau(opt(), { factor: 1 }),
      /Factor should be < 1.0./,
    );
    const o = opt();
    assert.throws(
      () => new optim.SequentialLR(o, [new optim.StepLR(o, 2)], [3]),
      /one more than the number of milestone points/,
    );
    const noMomentum = new optim.Adagrad([lt.tensor([1], { requiresGrad: true })]);
    assert.throws(
      () => new optim.OneCycleLR(noMomentum, 0.1, { totalSteps: 10 }),
      /optimizer must support momentum/,
    );
  });

  it("OneCycleLR refuses to step past totalSteps", () => {
    const o = opt();
    const s = new optim.OneCycleLR(o, 0.1, { totalSteps: 3 });
    s.step();
    s.step();
    s.step();
    assert.throws(
      () => s.step(),
      /Tried to step 4 times. The specified number of total steps is 3/,
    );
  });

  it("stepping with an explicit epoch uses the closed form", () => {
    const o = opt();
    const s = new optim.StepLR(o, 3, { gamma: 0.5 });
    s.step(7);
    assertClose(s.getLastLr(), [0.1 * 0.25], 1e-12, 0, "closed-form lr");
  });
});
