/**
 * End to end on webgpu: a LeNet-style network trained with plain SGD gives
 * the same losses as on the CPU, and a training loop's GPU memory stays flat
 * (buffers of collected tensors return to the pool and are reused).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as lt from "../../../../index.js";
import { skip } from "./harness.js";

interface Params {
  c1: lt.Tensor;
  b1: lt.Tensor;
  c2: lt.Tensor;
  fc: lt.Tensor;
  fcb: lt.Tensor;
}

/** conv(1→4, 5x5, pad 2) → relu → maxpool 2 → conv(4→6, 3x3) → relu → avgpool 2 → linear(6*2*2 → 10). */
function forward(p: Params, x: lt.Tensor): lt.Tensor {
  let h = lt.conv2d(x, p.c1, p.b1, { padding: 2 }).relu();
  h = lt.maxPool2d(h, 2);
  h = lt.conv2d(h, p.c2, null).relu();
  h = lt.avgPool2d(h, 2);
  return h.reshape([x.shape[0], 24]).matmul(p.fc).add(p.fcb);
}

function crossEntropy(logits: lt.Tensor, target: lt.Tensor): lt.Tensor {
  return logits.logSoftmax(1).gather(1, target.unsqueeze(1)).mean().neg();
}

async function train(device: string, steps: number): Promise<number[]> {
  lt.manualSeed(3);
  const init = (shape: number[], scale: number) =>
    lt.randn(shape).mul(scale).to(device).requiresGrad_(true);
  const p: Params = {
    c1: init([4, 1, 5, 5], 0.2),
    b1: init([4], 0.1),
    c2: init([6, 4, 3, 3], 0.2),
    fc: init([24, 10], 0.2),
    fcb: init([10], 0.1),
  };
  const x = lt.randn([8, 1, 12, 12]).to(device);
  const y = lt.randint(0, 10, [8]).to(device);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = crossEntropy(forward(p, x), y);
    loss.backward();
    lt.noGrad(() => {
      for (const t of Object.values(p)) {
        t.sub_(t.grad!.mul(0.1));
        t.grad = null;
      }
    });
    losses.push(Number(await loss.item()));
  }
  return losses;
}

/** LeNet-5 from nn layers, trained with SGD + momentum through optim: per-step losses. */
async function trainLeNet(device: string, steps: number): Promise<number[]> {
  const { nn, optim } = lt;
  lt.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
  model.to(device);
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = lt.randn([4, 1, 28, 28]).to(device);
  const y = lt.randint(0, 10, [4]).to(device);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = nn.functional.crossEntropy(model(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(Number(await loss.item()));
  }
  return losses;
}

describe("training on webgpu", { skip }, () => {
  it("LeNet-5 (nn layers, optim.SGD with momentum) gives the CPU's losses to 1e-4", async () => {
    const cpu = await trainLeNet("cpu", 3);
    const gpu = await trainLeNet("webgpu", 3);
    for (const [i, l] of cpu.entries()) {
      assert.ok(Math.abs(gpu[i] - l) <= 1e-4, `step ${i}: webgpu ${gpu[i]} vs cpu ${l}`);
    }
  });

  it("gives the CPU's losses to 1e-4 for a small LeNet", async () => {
    const cpu = await train("cpu", 4);
    const gpu = await train("webgpu", 4);
    assert.ok(cpu[3] < cpu[0], "the loss goes down");
    for (const [i, l] of cpu.entries()) {
      assert.ok(Math.abs(gpu[i] - l) <= 1e-4, `step ${i}: webgpu ${gpu[i]} vs cpu ${l}`);
    }
  });

  it("keeps GPU memory flat over a training loop: collected tensors' buffers are reused", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    lt.manualSeed(0);
    const w = lt.randn([32, 16]).to("webgpu").requiresGrad_(true);
    const x = lt.randn([8, 32]).to("webgpu");
    const createdAfter: number[] = [];
    for (let step = 1; step <= 60; step++) {
      const loss = x.matmul(w).tanh().sum();
      loss.backward();
      lt.noGrad(() => w.sub_(w.grad!.mul(0.01)));
      w.grad = null;
      await loss.item();
      if (step % 20 === 0) {
        gc();
        // Finalizers run in a later task.
        await new Promise((resolve) => setImmediate(resolve));
        createdAfter.push(lt.webgpuMemoryStats().created);
      }
    }
    assert.equal(
      createdAfter[2],
      createdAfter[1],
      `buffers created after step 20, 40, 60: ${createdAfter}`,
    );
    assert.ok(lt.webgpuMemoryStats().reused > 0);
  });
});
