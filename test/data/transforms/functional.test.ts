import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as TF from "../../../data/transforms/functional.js";

interface Case {
  op: keyof typeof TF;
  input: { shape: [number, number, number]; data: number[] };
  args: unknown[];
  output: { shape: number[]; data: number[] };
}

const fixture: { cases: Case[] } = JSON.parse(
  readFileSync(new URL("../../../../test/fixtures/data/transforms.json", import.meta.url), "utf8"),
);

describe("image transforms equal torchvision's tensor path (PyTorch fixtures)", () => {
  for (const [i, c] of fixture.cases.entries()) {
    it(`${c.op}(${JSON.stringify(c.args)}) on [${c.input.shape}] #${i}`, () => {
      const img = { data: Float32Array.from(c.input.data), shape: c.input.shape };
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: each fixture case names its op
      const fn = TF[c.op] as (img: TF.Image, ...args: unknown[]) => TF.Image;
      const out = fn(img, ...c.args);
      assert.deepEqual(out.shape, c.output.shape);
      let worst = 0;
      for (let k = 0; k < out.data.length; k++)
        worst = Math.max(worst, Math.abs(out.data[k]! - c.output.data[k]!));
      assert.ok(worst < 2e-6, `max abs error ${worst}`);
    });
  }
});

describe("transform argument checks", () => {
  const img = { data: new Float32Array(12), shape: [3, 2, 2] as [number, number, number] };
  it("names the op and the mismatch", () => {
    assert.throws(
      () => TF.normalize(img, [0], [1]),
      /normalize: image has 3 channels but mean has 1/,
    );
    assert.throws(() => TF.adjustHue(img, 0.7), /hue_factor \(0.7\) is not in \[-0.5, 0.5\]/);
    assert.throws(
      () => TF.hflip({ data: new Float32Array(5), shape: [1, 2, 2] }),
      /hflip: expected a CHW image/,
    );
    assert.throws(() => TF.resize(img, [0, 3]), /resize: size must be two positive integers/);
  });
});
