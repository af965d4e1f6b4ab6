/**
 * The tensor engine's PyTorch fixtures (test/fixtures/tensor/*.json), run on
 * WebGPU with the CPU suite's op table and tolerances
 * (test/tensor/fixture-cases.ts): inputs are moved to the GPU (views applied
 * there, so kernels see the same non-contiguous strides), outputs and the
 * gradients of sum(out_i * upstream_i) are read back and compared with
 * PyTorch's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../../tensor/index.js";
import {
  applyView,
  cpuOnly,
  decode,
  type Encoded,
  families,
  loadCases,
  numbers,
  ops,
  tolerances,
} from "../../fixture-cases.js";
import { assertClose, skip } from "./harness.js";

const onGpu = (e: Encoded, requiresGrad = false): lt.Tensor =>
  decode(e).to("webgpu").requiresGrad_(requiresGrad);

async function expectClose(
  t: lt.Tensor,
  want: Encoded,
  what: string,
  atol: number,
  rtol: number,
): Promise<void> {
  assert.deepEqual(t.shape, want.shape, `${what} shape`);
  assert.equal(t.device, "webgpu", `${what} device`);
  assertClose(Array.from(await t.data(), Number), numbers(want.data), what, atol, rtol);
}

for (const family of families) {
  describe(`tensor fixtures on webgpu: ${family}`, { skip }, () => {
    for (const c of loadCases(family)) {
      if (cpuOnly.has(c.op)) continue;
      it(c.name, async () => {
        const leaves = c.inputs.map((e) => onGpu(e, e.grad === true));
        const result = ops[c.op]!(
          leaves.map((t, i) => applyView(t, c.inputs[i]!.view)),
          c.args,
        );
        const outs = Array.isArray(result) ? result : [result];
        const { atol, rtol, gradAtol, gradRtol } = tolerances(c);
        for (const [i, o] of outs.entries()) {
          assert.equal(o.dtype, c.outputs[i]!.dtype, `output ${i} dtype`);
          await expectClose(o, c.outputs[i]!, `output ${i}`, atol, rtol);
        }
        let loss: lt.Tensor | null = null;
        outs.forEach((o, i) => {
          const up = c.upstream[i];
          if (up === null || up === undefined || !o.requiresGrad) return;
          const term = o.mul(onGpu(up)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        if (loss === null) return;
        (loss as lt.Tensor).backward();
        for (const [i, g] of c.grads.entries()) {
          if (g === null) continue;
          const leaf = leaves[i]!;
          const got = leaf.grad ?? lt.zerosLike(leaf);
          await expectClose(got, g, `grad ${i}`, gradAtol, gradRtol);
        }
      });
    }
  });
}
