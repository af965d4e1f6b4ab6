// Every layer against PyTorch: PyTorch's initial weights are loaded through
// loadStateDict (proving the key names), then outputs, input gradients,
// parameter gradients and buffers after the forward are compared.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  assertClose,
  build,
  decode,
  type Encoded,
  fixtures,
  flatten,
  revive,
  type Spec,
} from "./fixtures.js";

interface LayerCase {
  name: string;
  lt: Spec;
  train: boolean;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  options: Record<string, unknown>;
  outputs: Encoded[];
  outputGrads: Encoded[];
  inputGrads: (Encoded | null)[];
  paramGrads: Record<string, Encoded>;
  stateAfter: Record<string, Encoded>;
  packed?: { lengths: number[]; batchFirst: boolean };
  call?: "qkv" | "pairState";
  tol?: { atol: number; rtol: number };
}

function run(c: LayerCase, m: nn.Module, inputs: Tensor[]): Tensor[] {
  const opts = revive(c.options) as Record<string, unknown>;
  const extra = Object.keys(opts).length > 0 ? [opts] : [];
  if (c.packed) {
    const { lengths, batchFirst } = c.packed;
    const x = nn.utils.rnn.packPaddedSequence(inputs[0]!, lengths, {
      batchFirst,
      enforceSorted: false,
    });
    const [out, hidden] = m(x, ...inputs.slice(1));
    const totalLength = inputs[0]!.shape[batchFirst ? 1 : 0];
    const [padded] = nn.utils.rnn.padPackedSequence(out, { batchFirst, totalLength });
    return [padded, ...flatten(hidden)];
  }
  if (c.call === "qkv") return flatten(m(inputs[0], inputs[0], inputs[0], ...extra));
  if (c.call === "pairState") return flatten(m(inputs[0], [inputs[1], inputs[2]]));
  return flatten(m(...inputs, ...extra));
}

describe("nn layers match PyTorch (forward, gradients, buffers)", () => {
  for (const c of fixtures.layers as LayerCase[]) {
    it(`${c.name} (${c.train ? "train" : "eval"})`, () => {
      const m = build(c.lt);
      const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)]));
      m.loadStateDict(state);
      m.train(c.train);
      const inputs = c.inputs.map((e) => {
        const t = decode(e);
        return t.dtype === "float32" ? t.requiresGrad_() : t;
      });
      const outs = run(c, m, inputs);
      assert.equal(outs.length, c.outputs.length, "number of outputs");
      outs.forEach((o, i) => {
        assertClose(o, c.outputs[i]!, `output ${i}`, c.tol);
      });
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        if (o.dtype !== "float32" || !o.requiresGrad) return;
        const term = o.mul(decode(c.outputGrads[i]!)).sum();
        loss = loss === null ? term : loss.add(term);
      });
      if (loss !== null) (loss as Tensor).backward();
      c.inputGrads.forEach((g, i) => {
        if (g !== null) assertClose(inputs[i]!.grad!, g, `grad of input ${i}`, c.tol);
      });
      const params = new Map(m.namedParameters());
      for (const [name, g] of Object.entries(c.paramGrads)) {
        const p = params.get(name);
        assert.ok(p, `lectern has parameter ${name}`);
        assert.ok(p.grad, `${name} has a gradient`);
        assertClose(p.grad, g, `grad of ${name}`, c.tol);
      }
      const after = m.stateDict();
      assert.deepEqual(
        Object.keys(after).sort(),
        Object.keys(c.stateAfter).sort(),
        "state dict keys",
      );
      for (const [name, v] of Object.entries(c.stateAfter))
        assertClose(after[name]!, v, `state ${name}`, c.tol);
    });
  }
});

describe("dropout in training mode", () => {
  it("zeroes about p of the elements and scales the rest by 1/(1-p)", () => {
    lt.manualSeed(3);
    const drop = new nn.Dropout(0.3);
    const y = drop(lt.ones([200, 50])).dataSync();
    const zeros = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(zeros - 0.3) < 0.02, `dropped fraction ${zeros}`);
    for (const v of y) if (v !== 0) assert.ok(Math.abs(v - 1 / 0.7) < 1e-6);
    drop.eval();
    assert.deepEqual(Array.from(drop(lt.ones([3])).dataSync()), [1, 1, 1]);
  });

  it("Dropout2d drops whole channels", () => {
    lt.manualSeed(4);
    const y = new nn.Dropout2d(0.5)(lt.ones([4, 16, 3, 3]))
      .reshape([64, 9])
      .arraySync() as number[][];
    for (const row of y)
      assert.ok(
        row.every((v) => v === row[0]),
        "a channel is all kept or all dropped",
      );
    const dropped = y.filter((row) => row[0] === 0).length;
    assert.ok(dropped > 16 && dropped < 48, `dropped channels ${dropped}`);
  });
});
