/**
 * The conv/pool/unfold/interpolate/normalization/embedding fixtures
 * (test/fixtures/nn_ops, from PyTorch) on webgpu: inputs are moved to the
 * GPU, the public op runs there, and the output, the max-pool indices and
 * every input gradient are read back and compared with PyTorch's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../../tensor/index.js";
import * as conv from "../../../../tensor/ops/conv.js";
import { embedding } from "../../../../tensor/ops/embedding.js";
import { interpolate } from "../../../../tensor/ops/interpolate.js";
import {
  batchNorm,
  groupNorm,
  layerNorm,
  localResponseNorm,
} from "../../../../tensor/ops/normalization.js";
import * as pool from "../../../../tensor/ops/pool.js";
import { fold, unfold } from "../../../../tensor/ops/unfold.js";
import type { Tensor } from "../../../../tensor/tensor.js";
import {
  assertClose,
  type FixtureCase,
  type FixtureTensor,
  loadCases,
} from "../../nn_ops_fixtures.js";
import { skip } from "./harness.js";

type Run = (c: FixtureCase, inputs: Record<string, Tensor>) => Tensor | [Tensor, Tensor];
type Any = (...args: any[]) => Tensor | [Tensor, Tensor];

/** How each family's fixture calls its op (as the CPU tests in test/tensor/ops do). */
const families: Record<string, Run> = {
  conv: (c, { x, weight, bias }) =>
    (conv as unknown as Record<string, Any>)[c.op](x, weight, bias ?? null, c.options),
  pool: (c, { x }) => {
    const { args, ...options } = c.options;
    return (pool as unknown as Record<string, Any>)[c.op](x, args[0], options);
  },
  unfold: (c, { x }) => {
    const { kernelSize, outputSize, ...options } = c.options;
    return c.op === "unfold"
      ? unfold(x, kernelSize, options)
      : fold(x, outputSize, kernelSize, options);
  },
  interpolate: (c, { x }) => interpolate(x, c.options),
  embedding: (c, { indices, weight }) => embedding(indices, weight, c.options),
  normalization: (c, { x, runningMean, runningVar, weight, bias }) => {
    const o = c.options;
    if (c.op === "batchNorm")
      return batchNorm(x, runningMean, runningVar, weight, bias, o.training, o.momentum, o.eps);
    if (c.op === "layerNorm") return layerNorm(x, o.normalizedShape, weight, bias, o.eps);
    if (c.op === "groupNorm") return groupNorm(x, o.numGroups, weight, bias, o.eps);
    return localResponseNorm(x, o.size, o);
  },
};

function onGpu(t: FixtureTensor, int: boolean, requiresGrad: boolean): Tensor {
  const flat = int ? lt.tensor(Int32Array.from(t.data)) : lt.tensor(Float32Array.from(t.data));
  return flat.reshape(t.shape).to("webgpu").requiresGrad_(requiresGrad);
}

for (const [family, run] of Object.entries(families)) {
  describe(`nn_ops fixtures on webgpu: ${family}`, { skip }, () => {
    for (const c of loadCases(family)) {
      it(`${c.op}: ${c.name}`, async () => {
        const tol = { atol: 5e-4, rtol: 1e-4 };
        const inputs: Record<string, Tensor> = {};
        for (const [name, t] of Object.entries(c.inputs)) {
          inputs[name] = onGpu(t, name === "indices", name in c.grads);
        }
        const result = run(c, inputs);
        const out = Array.isArray(result) ? result[0] : result;
        assert.equal(out.device, "webgpu");
        assert.deepEqual(out.shape, c.output.shape, "output shape");
        assertClose(await out.data(), c.output, "output", tol);
        if (c.output1 && Array.isArray(result)) {
          assert.deepEqual([...(await result[1].data())], c.output1.data, "indices");
        }
        out.backward(onGpu(c.gradOutput, false, false));
        for (const [name, expected] of Object.entries(c.grads)) {
          const grad = inputs[name].grad;
          assert.ok(grad, `no gradient reached ${name}`);
          assertClose(await grad.data(), expected, `grad ${name}`, tol);
        }
        for (const [name, expected] of Object.entries(c.updated ?? {})) {
          assertClose(await inputs[name].data(), expected, `updated ${name}`);
        }
      });
    }
  });
}
