import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { initWebGPU } from "../../../../tensor/backends/webgpu/device.js";
import { elementwise } from "../../../../tensor/backends/webgpu/elementwise.js";
import { pipelineCount } from "../../../../tensor/backends/webgpu/pipelines.js";
import { readStorage, uploadStorage } from "../../../../tensor/backends/webgpu/queue.js";
import * as lt from "../../../../tensor/index.js";
import { skip } from "./harness.js";

describe("webgpu device", { skip }, () => {
  it("lt.devices() reports the CPU and the adapter's name, limits and whether it is software", async () => {
    const [cpu, gpu] = await lt.devices();
    assert.equal(cpu.device, "cpu");
    assert.equal(gpu.device, "webgpu");
    assert.equal(gpu.available, true);
    assert.ok(gpu.name.length > 0);
    assert.ok(gpu.device === "webgpu" && gpu.limits.maxStorageBufferBindingSize >= 128 * 2 ** 20);
    // CI runs on Mesa's llvmpipe (lavapipe), a software adapter.
    if (/llvmpipe|lavapipe|swiftshader/i.test(gpu.name))
      assert.equal(gpu.device === "webgpu" && gpu.software, true);
  });

  it("compiles a pipeline once per op, dtype and shape class, not per call", async () => {
    const { device } = await initWebGPU();
    const x = {
      storage: uploadStorage(new Uint32Array(4), "int32"),
      shape: [4],
      strides: [1],
      offset: 0,
      dtype: "int32" as const,
    };
    await readStorage(elementwise("cacheProbe", [x], "x0 + 1", "int32"));
    const compiled = pipelineCount(device);
    for (let i = 0; i < 5; i++)
      await readStorage(elementwise("cacheProbe", [x], "x0 + 1", "int32"));
    assert.equal(pipelineCount(device), compiled);
  });

  it("setDefaultDevice('webgpu') puts new tensors on the GPU", async () => {
    lt.setDefaultDevice("webgpu");
    try {
      const t = lt.ones([2, 2]).mul(3);
      assert.equal(t.device, "webgpu");
      assert.deepEqual(await t.array(), [
        [3, 3],
        [3, 3],
      ]);
    } finally {
      lt.setDefaultDevice("cpu");
    }
  });

  it("a tensor larger than the adapter can bind fails at the user's line with a DeviceError", async () => {
    const { maxStorageBufferBindingSize } = await initWebGPU();
    const n = maxStorageBufferBindingSize / 4 + 1;
    assert.throws(
      () => lt.zeros([n], { device: "webgpu" }),
      (e: unknown) => e instanceof lt.DeviceError && /largest storage binding/.test(String(e)),
    );
  });

  it("ops recorded before the device is acquired run once it is (a fresh process's first line)", () => {
    const index = new URL("../../../../index.js", import.meta.url).href;
    const script = `
      import * as lt from ${JSON.stringify(index)};
      const x = lt.tensor([[1, 2], [3, 4]], { device: "webgpu" });
      const y = x.matmul(x).add(1).sum(1);
      console.log(JSON.stringify(await y.array()));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "[19,39]");
  });

  it("reading a webgpu tensor synchronously explains how to read it", () => {
    const t = lt.ones([2]).to("webgpu");
    assert.throws(() => t.dataSync(), lt.DeviceError);
  });
});
