import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as lt from "../../index.js";
import * as optim from "../../optim/index.js";
import { assertClose } from "./problems.js";

interface Case {
  kind: "norm" | "value";
  maxNorm?: number;
  normType?: number | "inf";
  clipValue?: number;
  totalNorm?: number;
  clipped: number[][];
}

const fixture: { grads: Array<{ shape: number[]; data: number[] }>; cases: Case[] } = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/optim/clipping.json", import.meta.url), "utf8"),
);

function paramsWithGrads() {
  return fixture.grads.map((g) => {
    const p = lt.zeros(g.shape, { requiresGrad: true });
    p.grad = lt.tensor(g.data).reshape(g.shape);
    return p;
  });
}

describe("gradient clipping (nn.utils, re-exported by optim) equals torch.nn.utils", () => {
  for (const c of fixture.cases) {
    const name =
      c.kind === "norm"
        ? `clipGradNorm_(maxNorm ${c.maxNorm}, normType ${c.normType})`
        : `clipGradValue_(${c.clipValue})`;
    it(name, () => {
      const params = paramsWithGrads();
      if (c.kind === "norm") {
        const normType = c.normType === "inf" ? Number.POSITIVE_INFINITY : c.normType!;
        const total = optim.clipGradNorm_(params, c.maxNorm!, { normType });
        assertClose([total.itemSync() as number], [c.totalNorm!], 1e-5, 1e-6, "total norm");
      } else {
        optim.clipGradValue_(params, c.clipValue!);
      }
      params.forEach((p, i) => {
        assertClose(
          Array.from(p.grad!.dataSync() as Float32Array),
          c.clipped[i]!,
          1e-5,
          1e-6,
          `grad ${i}`,
        );
      });
    });
  }

  it("ignores parameters without gradients and reports non-finite norms on request", () => {
    const a = lt.zeros([2], { requiresGrad: true });
    assert.equal(optim.clipGradNorm_([a], 1).itemSync(), 0);
    a.grad = lt.tensor([Number.POSITIVE_INFINITY, 1]);
    assert.throws(
      () => optim.clipGradNorm_([a], 1, { errorIfNonfinite: true }),
      /total norm of order 2 .* cannot be clipped/,
    );
  });
});
