/**
 * Runs every case of test/fixtures/tensor/*.json (generated with PyTorch by
 * scripts/fixturegen/tensor_ops.py) on the CPU: builds the inputs (applying
 * the same non-contiguous views), runs the op, and compares outputs, dtypes
 * and the gradients of sum(out_i * upstream_i) with PyTorch's.
 *
 * Tolerances: outputs within 1e-5 + 1e-5·|expected| (float32 against a
 * float64 reference), gradients within 1e-4 + 1e-4·|expected|; a case may
 * widen them (`tol`), e.g. exp of large arguments.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../tensor/index.js";
import { assertClose } from "./assert-close.js";
import {
  applyView,
  decode,
  families,
  loadCases,
  numbers,
  ops,
  tolerances,
} from "./fixture-cases.js";

for (const family of families) {
  describe(`tensor fixtures: ${family}`, () => {
    for (const c of loadCases(family)) {
      it(c.name, () => {
        const op = ops[c.op];
        assert.ok(op, `no op "${c.op}" in the fixture table`);
        const { atol, rtol, gradAtol, gradRtol } = tolerances(c);
        const leaves = c.inputs.map((e) => decode(e, e.grad === true));
        const inputs = leaves.map((t, i) => applyView(t, c.inputs[i].view));
        const result = op(inputs, c.args);
        const outs = Array.isArray(result) ? result : [result];
        assert.equal(outs.length, c.outputs.length, "number of outputs");
        outs.forEach((o, i) => {
          const want = c.outputs[i];
          assert.equal(o.dtype, want.dtype, `output ${i} dtype`);
          assertClose(o, numbers(want.data), { atol, rtol, shape: want.shape });
        });
        if (!c.grads.some((g) => g !== null)) return;
        let loss: lt.Tensor | null = null;
        outs.forEach((o, i) => {
          const up = c.upstream[i];
          if (up === null || !o.requiresGrad) return;
          const term = o.mul(decode(up)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        if (loss === null) {
          // Non-differentiable outputs (comparisons, argmax): PyTorch's gradients are zeros.
          for (const g of c.grads) if (g !== null) assert.ok(numbers(g.data).every((v) => v === 0));
          return;
        }
        (loss as lt.Tensor).backward();
        c.grads.forEach((g, i) => {
          if (g === null) return;
          const got = leaves[i].grad ?? lt.zerosLike(leaves[i]);
          assertClose(got, numbers(g.data), { atol: gradAtol, rtol: gradRtol, shape: g.shape });
        });
      });
    }
  });
}
