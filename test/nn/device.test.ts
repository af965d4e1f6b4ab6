// Modules on WebGPU: `to("webgpu")` moves parameters in place and every
// layer computes what it computes on the CPU (forward and gradients).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

const gpu = (await lt.devices()).find((d) => d.device === "webgpu")?.available === true;
const skip = gpu ? false : "no WebGPU adapter";

async function close(a: Tensor, b: Tensor, label: string, tol = 1e-4) {
  assert.deepEqual(a.shape, b.shape, label);
  const x = await a.data();
  const y = await b.data();
  for (let i = 0; i < x.length; i++) {
    assert.ok(
      Math.abs(Number(x[i]) - Number(y[i])) <= tol * (1 + Math.abs(Number(y[i]))),
      `${label}[${i}]: ${x[i]} vs ${y[i]}`,
    );
  }
}

async function sameOnGpu(
  make: () => nn.Module,
  inputs: () => Tensor[],
  call = (m: nn.Module, xs: Tensor[]) => m(...xs),
) {
  lt.manualSeed(7);
  const cpu = make();
  const gpuModel = nn.deepCopy(cpu);
  const params = gpuModel.parameters();
  gpuModel.to("webgpu");
  assert.deepEqual(gpuModel.parameters(), params, "parameters keep their identity");
  assert.ok(params.every((p) => p.device === "webgpu"));
  const xs = inputs();
  const outC = [call(cpu, xs)].flat(2).filter((t) => t) as Tensor[];
  const outG = [
    call(
      gpuModel,
      xs.map((x) => x.to("webgpu")),
    ),
  ]
    .flat(2)
    .filter((t) => t) as Tensor[];
  for (let i = 0; i < outC.length; i++) await close(outG[i]!, outC[i]!, `output ${i}`);
  outC[0]!.sum().backward();
  outG[0]!.sum().backward();
  const named = new Map(gpuModel.namedParameters());
  for (const [k, p] of cpu.namedParameters())
    await close(named.get(k)!.grad!, p.grad!, `grad ${k}`);
}

describe("nn on WebGPU", { skip }, () => {
  it("Linear/ReLU MLP", async () => {
    await sameOnGpu(
      () => new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Linear(16, 3)),
      () => [lt.randn([5, 6])],
    );
  });

  it("Conv2d + BatchNorm2d + MaxPool2d (running statistics follow the device)", async () => {
    await sameOnGpu(
      () =>
        new nn.Sequential(
          new nn.Conv2d(2, 4, 3, { padding: 1 }),
          new nn.BatchNorm2d(4),
          new nn.MaxPool2d(2),
        ),
      () => [lt.randn([2, 2, 6, 6])],
    );
  });

  it("LSTM and MultiheadAttention", async () => {
    await sameOnGpu(
      () => new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true }),
      () => [lt.randn([4, 2, 3])],
    );
    await sameOnGpu(
      () => new nn.MultiheadAttention(8, 2),
      () => [lt.randn([3, 2, 8])],
      (m, [x]) => m(x, x, x, { attnMask: nn.functional.causalMask(3, { device: x!.device }) }),
    );
  });

  it("summarises and displays a model on the GPU", () => {
    const m = new nn.Sequential(new nn.Linear(6, 4), new nn.ReLU()).to("webgpu");
    assert.deepEqual(
      nn.summary(m, [2, 6]).rows.map((r) => r.outputShape),
      [
        [2, 4],
        [2, 4],
      ],
    );
    m(lt.randn([3, 6]).to("webgpu"));
    assert.match(
      (m as any)[Symbol.for("Jupyter.display")]()["text/html"],
      /lectern-summary.*\[3,4\]/s,
    );
  });

  it("trains with WebGPU as the default device: init, cross entropy, clipping", async () => {
    lt.setDefaultDevice("webgpu");
    try {
      lt.manualSeed(0);
      const m = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
      nn.init.orthogonal_((m[0] as nn.Linear).weight);
      nn.init.truncNormal_((m[2] as nn.Linear).weight, 0, 0.1);
      assert.ok(m.parameters().every((p) => p.device === "webgpu"));
      const y = lt.tensor([0, 1, 2, 1, 0], { dtype: "int32" });
      const loss = nn.functional.crossEntropy(m(lt.randn([5, 4])), y, { labelSmoothing: 0.1 });
      loss.backward();
      const norm = (await nn.utils.clipGradNorm_(m.parameters(), 0.1).item()) as number;
      const grads = await Promise.all(
        m.parameters().map(async (p) => Array.from(await p.grad!.data(), Number)),
      );
      const clipped = Math.sqrt(grads.flat().reduce((a, v) => a + v * v, 0));
      assert.ok(norm > 0.1 && Math.abs(clipped - 0.1) < 1e-4, `norm ${norm} clipped to ${clipped}`);
    } finally {
      lt.setDefaultDevice("cpu");
    }
  });

  it("saves a GPU model's state dict", async () => {
    const m = new nn.Linear(3, 2).to("webgpu");
    const path = join(mkdtempSync(join(tmpdir(), "lectern-gpu-")), "m.safetensors");
    await nn.save(m, path);
    const back = await nn.load(path);
    await close(back.weight!, await m.weight.toAsync("cpu"), "weight");
    assert.throws(() => m.to("cpu"), /Linear.to: .*await model.toAsync\("cpu"\)/);
    await m.toAsync("cpu");
    assert.equal(m.weight.device, "cpu");
    await close(m.weight, back.weight!, "weight back on the CPU");
  });
});
