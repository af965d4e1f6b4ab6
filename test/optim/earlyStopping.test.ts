import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../index.js";
import * as optim from "../../optim/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/** The smallest thing with a state dict: one weight tensor. */
class TinyModel {
  weight: Tensor = lt.tensor([0, 0]);
  stateDict() {
    return { weight: this.weight };
  }
  loadStateDict(state: { weight: Tensor }) {
    this.weight.copy_(state.weight);
  }
}

describe("EarlyStopping", () => {
  it("stops after `patience` epochs without improvement and restores the best weights", () => {
    const model = new TinyModel();
    const stopper = new optim.EarlyStopping(model, { patience: 2 });
    const losses = [1.0, 0.8, 0.5, 0.6, 0.55, 0.7];
    const stoppedAt: number[] = [];
    for (const [epoch, loss] of losses.entries()) {
      model.weight.copy_(lt.tensor([epoch, -epoch]));
      if (stopper.step(loss)) {
        stoppedAt.push(epoch);
        break;
      }
    }
    assert.deepEqual(stoppedAt, [5]);
    assert.equal(stopper.bestEpoch, 2);
    assert.equal(stopper.best, 0.5);
    assert.deepEqual(Array.from(model.weight.dataSync()), [2, -2]);
  });

  it("snapshots are copies, so later training does not change them", () => {
    const model = new TinyModel();
    const stopper = new optim.EarlyStopping(model, { patience: 0, mode: "max" });
    model.weight.copy_(lt.tensor([1, 1]));
    stopper.step(0.9);
    model.weight.copy_(lt.tensor([5, 5]));
    assert.equal(stopper.step(0.8), true);
    assert.deepEqual(Array.from(model.weight.dataSync()), [1, 1]);
  });

  it("minDelta: small changes do not count as improvement", () => {
    const stopper = new optim.EarlyStopping(new TinyModel(), { patience: 1, minDelta: 0.1 });
    assert.equal(stopper.step(1.0), false);
    assert.equal(stopper.step(0.95), false);
    assert.equal(stopper.step(0.91), true);
  });

  it("rejects targets without stateDict and bad options", () => {
    assert.throws(
      () => new optim.EarlyStopping({} as never),
      /needs stateDict\(\) and loadStateDict\(\)/,
    );
    assert.throws(
      () => new optim.EarlyStopping(new TinyModel(), { patience: -1 }),
      /patience must be a non-negative integer/,
    );
  });
});
