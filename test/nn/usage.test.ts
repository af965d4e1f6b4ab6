// The README's way of writing models, type-checked by the build and run:
// a user-defined module with class-field layers, trained with optim.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../index.js";

const { nn, optim } = lt;
const F = nn.functional;

class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  fc = new nn.Sequential(new nn.Linear(16 * 5 * 5, 120), new nn.ReLU(), new nn.Linear(120, 10));
  override forward(x: lt.Tensor): lt.Tensor {
    x = F.maxPool2d(F.relu(this.conv1(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2(x)), 2);
    return this.fc(x.flatten(1));
  }
}

describe("writing and training models", () => {
  it("LeNet from the README has PyTorch's keys and shapes", () => {
    const model = new LeNet();
    assert.deepEqual(Object.keys(model.stateDict()), [
      "conv1.weight",
      "conv1.bias",
      "conv2.weight",
      "conv2.bias",
      "fc.0.weight",
      "fc.0.bias",
      "fc.2.weight",
      "fc.2.bias",
    ]);
    assert.deepEqual(model(lt.randn([2, 1, 28, 28])).shape, [2, 10]);
    const s = nn.summary(model, [1, 1, 28, 28]);
    assert.equal(
      s.totalParams,
      6 * 25 + 6 + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 10 + 10),
    );
  });

  it("an MLP learns XOR with Adam", () => {
    lt.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    const x = lt.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = lt.tensor([[0], [1], [1], [0]]);
    const criterion = new nn.BCEWithLogitsLoss();
    let first = 0;
    let last = 0;
    for (let step = 0; step < 300; step++) {
      const loss = criterion(model(x), y);
      if (step === 0) first = loss.itemSync() as number;
      last = loss.itemSync() as number;
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    assert.ok(last < 0.05 && last < first / 10, `loss ${first} → ${last}`);
    const predictions = lt.noGrad(() => model(x).sigmoid().gt(0.5).int());
    assert.deepEqual(predictions.reshape([-1]).arraySync(), [0, 1, 1, 0]);
  });
});
