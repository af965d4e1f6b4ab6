import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  moments,
  normalize,
  normalizeBackward,
} from "../../../../tensor/backends/cpu/normalization.js";
import { assertClose, type FixtureCase, f32, loadCases } from "../../nn_ops_fixtures.js";

/** How each norm views its input as `[outer, channels, inner]`. */
function layout(c: FixtureCase): [number, number, number] {
  const shape = c.inputs.x.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  if (c.op === "batchNorm") return [shape[0], shape[1], size / (shape[0] * shape[1])];
  if (c.op === "layerNorm") {
    const inner = (c.options.normalizedShape as number[]).reduce((a, b) => a * b, 1);
    return [1, size / inner, inner];
  }
  const rows = shape[0] * c.options.numGroups;
  return [1, rows, size / rows];
}

describe("cpu normalize kernel matches PyTorch's norms without affine", () => {
  const cases = loadCases("normalization").filter(
    (c) => c.op !== "localResponseNorm" && !c.inputs.weight && c.options.training !== false,
  );
  it("covers batch, layer and group norm", () => {
    assert.deepEqual(cases.map((c) => c.op).sort(), ["batchNorm", "groupNorm", "layerNorm"]);
  });
  for (const c of cases) {
    it(`${c.op}: ${c.name}`, () => {
      const [outer, channels, inner] = layout(c);
      const attrs = { outer, channels, inner, eps: c.options.eps };
      const x = f32(c.inputs.x);
      const stats = moments(x, attrs);
      const y = normalize(x, stats, attrs);
      assertClose(y, c.output, "output");
      const gx = normalizeBackward(f32(c.gradOutput), x, stats, attrs);
      assertClose(gx, c.grads.x, "grad x", { atol: 5e-4 });
    });
  }
  it("keeps the variance exact when the mean dwarfs the spread", () => {
    const x = Float32Array.from([1e4 + 1, 1e4 - 1, 1e4 + 1, 1e4 - 1]);
    const attrs = { outer: 1, channels: 1, inner: 4, eps: 0 };
    const stats = moments(x, attrs);
    assert.deepEqual([...stats], [1e4, 1]);
    assert.deepEqual([...normalize(x, stats, attrs)], [1, -1, 1, -1]);
  });
});
