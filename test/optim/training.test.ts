// End to end: nn + optim + data together, the way a lecture notebook trains.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../index.js";

const { nn, optim, data } = lt;
const F = nn.functional;

function accuracy(model: lt.nn.Module, x: lt.Tensor, y: lt.Tensor): number {
  const pred = lt.noGrad(() => (model(x) as lt.Tensor).argmax(1));
  return pred.eq(y).float().mean().itemSync() as number;
}

describe("training loop", () => {
  it("an MLP learns the moons with Adam, OneCycleLR, a seeded DataLoader and early stopping", async () => {
    lt.manualSeed(0);
    const train = data.moons({ n: 400, noise: 0.1 });
    const val = data.moons({ n: 200, noise: 0.1 });
    const model = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 2));
    const loader = new data.DataLoader(train, { batchSize: 32, shuffle: true });
    const epochs = 30;
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const sched = new optim.OneCycleLR(opt, 0.05, { totalSteps: epochs * loader.length });
    const stopper = new optim.EarlyStopping(model, { patience: 5 });
    for (let epoch = 0; epoch < epochs; epoch++) {
      for await (const [x, y] of loader) {
        opt.zeroGrad();
        const loss = F.crossEntropy(model(x!), y!);
        loss.backward();
        optim.clipGradNorm_(model.parameters(), 5);
        opt.step();
        sched.step();
      }
      const valLoss = lt.noGrad(() => F.crossEntropy(model(val.x), val.y).itemSync() as number);
      if (stopper.step(valLoss)) break;
    }
    stopper.restoreBest();
    assert.ok(
      accuracy(model, val.x, val.y) > 0.95,
      `validation accuracy ${accuracy(model, val.x, val.y)}`,
    );
  });

  it("SGD with momentum and StepLR fits a linear regression (closed-form check)", () => {
    lt.manualSeed(1);
    const x = lt.randn([64, 3]);
    const trueW = lt.tensor([[1.5], [-2], [0.5]]);
    const y = x.matmul(trueW).add(0.3);
    const model = new nn.Linear(3, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const sched = new optim.StepLR(opt, 50, { gamma: 0.5 });
    for (let step = 0; step < 200; step++) {
      opt.zeroGrad();
      F.mseLoss(model(x), y).backward();
      opt.step();
      sched.step();
    }
    const w = Array.from(model.weight.dataSync());
    const errors = [1.5, -2, 0.5].map((v, i) => Math.abs(w[i]! - v));
    assert.ok(Math.max(...errors) < 1e-3, `weights ${w}`);
    assert.ok(Math.abs((model.bias!.dataSync()[0] as number) - 0.3) < 1e-3);
  });
});
