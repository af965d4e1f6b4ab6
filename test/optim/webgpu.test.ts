// The optimizer and scheduler fixtures replayed with parameters on WebGPU:
// the update rules are written with public tensor ops, so they must give
// PyTorch's trajectories on every backend.
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as lt from "../../index.js";
import * as optim from "../../optim/index.js";
import { webgpuReport } from "../../tensor/backends/webgpu/device.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  assertClose,
  lossAndGradAsync,
  makeParams,
  type ProblemName,
  type Problems,
} from "./problems.js";

interface Case {
  optimizer: string;
  options: Record<string, unknown>;
  groups?: Array<Record<string, unknown> & { params: number[] }>;
  problem: ProblemName;
  steps: number;
  trajectory: number[][][];
}

const fixture: { problems: Problems; cases: Case[] } = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/optim/optimizers.json", import.meta.url), "utf8"),
);

const report = await webgpuReport();
const skip = report.available
  ? false
  : `no WebGPU adapter (${report.reason ?? "unknown"}); install Mesa lavapipe with sudo bash scripts/setup-system.sh`;

function build(c: Case, params: Tensor[]): optim.Optimizer<any> {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the fixture names the optimizer class
  const Cls = optim[c.optimizer as "SGD"] as unknown as new (
    p: unknown,
    o: unknown,
  ) => optim.Optimizer<any>;
  if (c.groups === undefined) return new Cls(params, c.options);
  return new Cls(
    c.groups.map(({ params: ids, ...rest }) => ({ params: ids.map((i) => params[i]!), ...rest })),
    c.options,
  );
}

describe("optimizers on WebGPU follow PyTorch's trajectories", { skip }, () => {
  for (const c of fixture.cases) {
    it(`${c.optimizer}(${JSON.stringify(c.options)}) on ${c.problem}`, async () => {
      const params = makeParams(fixture.problems, c.problem, "webgpu");
      const opt = build(c, params);
      for (let step = 0; step < c.steps; step++) {
        opt.zeroGrad();
        await lossAndGradAsync(fixture.problems, c.problem, params);
        opt.step();
      }
      for (const [i, p] of params.entries()) {
        assertClose(
          Array.from((await p.data()) as Float32Array),
          c.trajectory[c.steps - 1]![i]!,
          1e-4,
          1e-5,
          `param ${i}`,
        );
      }
    });
  }

  it("zeroGrad({ setToNone: false }) zeroes device gradients in place", async () => {
    const p = lt.tensor([1, 2], { device: "webgpu", requiresGrad: true });
    p.grad = lt.tensor([3, 4], { device: "webgpu" });
    new optim.SGD([p]).zeroGrad({ setToNone: false });
    assertClose(Array.from((await p.grad!.data()) as Float32Array), [0, 0], 0, 0, "grad");
  });
});
