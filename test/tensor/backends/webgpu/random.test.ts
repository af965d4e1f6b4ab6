import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { randomNormal, randomUniform } from "../../../../tensor/backends/webgpu/random.js";
import { readStorage } from "../../../../tensor/backends/webgpu/queue.js";
import * as lt from "../../../../tensor/index.js";
import { generatorState, setGeneratorState } from "../../../../tensor/random.js";
import { assertClose, skip } from "./harness.js";

const floats = async (s: Parameters<typeof readStorage>[0]) =>
  new Float32Array((await readStorage(s)).buffer);

describe("webgpu random streams equal the host's under the same seed", { skip }, () => {
  it("uniforms bit for bit (lt.rand), including across a 32-bit counter wrap", async () => {
    for (const seed of [0, 1234]) {
      lt.manualSeed(seed);
      const state = generatorState();
      const host = Array.from(lt.rand([37]).dataSync());
      assert.deepEqual(Array.from(await floats(randomUniform(37, state))), host);
    }
    const wrap = { key: [7, 9], counter: 2 ** 32 - 3 };
    setGeneratorState(wrap);
    const host = Array.from(lt.rand([40]).dataSync());
    assert.deepEqual(Array.from(await floats(randomUniform(40, wrap))), host);
  });

  it("normals to float32 rounding (lt.randn), odd counts included", async () => {
    lt.manualSeed(99);
    const state = generatorState();
    const host = Array.from(lt.randn([101]).dataSync());
    assertClose(await floats(randomNormal(101, state)), host, "randn", 2e-5, 2e-5);
  });
});
