import { describe, it } from "node:test";
import { hasKernel } from "../../../../tensor/backends/backend.js";
import {
  adaptiveWindows,
  type AvgDivisor,
  kernels as cpuPool,
  type PoolAttrs,
  poolWindows,
  type Windows3,
} from "../../../../tensor/backends/cpu/pool.js";
import type { Size3 } from "../../../../tensor/backends/cpu/unfold.js";
import { input, matchesCpu, run, skip, values } from "./harness.js";

interface Case {
  label: string;
  planes: number;
  inSize: Size3;
  /** Per axis: [kernel, stride, padding, dilation, ceilMode] or "adaptive:out". */
  axes: ([number, number, number, number, boolean] | number)[];
}

function attrsOf(c: Case, divisor?: AvgDivisor): PoolAttrs {
  const windows = c.axes.map((a, i) => {
    if (typeof a === "number") return adaptiveWindows(c.inSize[i], a);
    const [k, s, p, d, ceil] = a;
    const span = c.inSize[i] + 2 * p - d * (k - 1) - 1;
    let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (ceil && (out - 1) * s >= c.inSize[i] + p) out--;
    return poolWindows(c.inSize[i], out, k, s, p, d);
  }) as Windows3;
  return { planes: c.planes, inSize: c.inSize, windows, divisor };
}

const cases: Case[] = [
  {
    label: "2x2 stride 2 (LeNet)",
    planes: 3,
    inSize: [1, 6, 8],
    axes: [
      [1, 1, 0, 1, false],
      [2, 2, 0, 1, false],
      [2, 2, 0, 1, false],
    ],
  },
  {
    label: "3x3 stride 2 padding 1, ceil mode",
    planes: 2,
    inSize: [1, 7, 6],
    axes: [
      [1, 1, 0, 1, false],
      [3, 2, 1, 1, true],
      [3, 2, 1, 1, true],
    ],
  },
  {
    label: "1-d with dilation",
    planes: 4,
    inSize: [1, 1, 11],
    axes: [
      [1, 1, 0, 1, false],
      [1, 1, 0, 1, false],
      [3, 1, 1, 2, false],
    ],
  },
  {
    label: "3-d",
    planes: 2,
    inSize: [4, 5, 4],
    axes: [
      [2, 2, 0, 1, false],
      [3, 1, 1, 1, false],
      [2, 2, 1, 1, false],
    ],
  },
  { label: "adaptive 2-d (7x5 -> 3x2)", planes: 2, inSize: [1, 7, 5], axes: [1, 3, 2] },
];

describe("webgpu pooling matches the CPU", { skip }, () => {
  const reference = (op: string) => (hasKernel(op, "cpu") ? undefined : cpuPool[op]);
  for (const c of cases) {
    it(`${c.label}: max indices, average (each divisor) and its gradient`, async () => {
      const inVol = c.inSize[0] * c.inSize[1] * c.inSize[2];
      const x = input(values(c.planes * inVol, 5), [c.planes, ...c.inSize]);
      const plain = attrsOf(c);
      const outShape = [c.planes, ...plain.windows.map((w) => w.first.length)];
      const outVol = outShape.slice(1).reduce((a, b) => a * b, 1);
      await matchesCpu(
        "maxPoolIndices",
        [x],
        outShape,
        "int32",
        plain,
        { atol: 0, rtol: 0 },
        reference("maxPoolIndices"),
      );
      const gy = input(values(c.planes * outVol, 6), outShape);
      const indices = await run("webgpu", "maxPoolIndices", [x], outShape, "int32", plain);
      const backward = { planes: c.planes, inSize: c.inSize };
      const fromIndices = input(indices, outShape, "int32");
      await matchesCpu(
        "maxPoolBackward",
        [gy, fromIndices],
        [c.planes, ...c.inSize],
        "float32",
        backward,
        {},
        reference("maxPoolBackward"),
      );
      // Average pools have no dilation in PyTorch (the CPU kernel ignores it).
      const dilated = c.axes.some((a) => typeof a !== "number" && a[3] > 1);
      for (const divisor of (dilated ? [] : ["span", "count", 3]) as AvgDivisor[]) {
        const a = attrsOf(c, divisor);
        await matchesCpu("avgPool", [x], outShape, "float32", a, {}, reference("avgPool"));
        await matchesCpu(
          "avgPoolBackward",
          [gy],
          [c.planes, ...c.inSize],
          "float32",
          a,
          {},
          reference("avgPoolBackward"),
        );
      }
    });
  }

  it("max pool keeps the CPU's NaN and tie rules", async () => {
    const c: Case = {
      label: "",
      planes: 1,
      inSize: [1, 2, 4],
      axes: [
        [1, 1, 0, 1, false],
        [2, 2, 0, 1, false],
        [2, 2, 0, 1, false],
      ],
    };
    const x = input([1, 1, Number.NaN, 2, 1, 0, 3, Number.NaN], [1, 1, 2, 4]);
    await matchesCpu(
      "maxPoolIndices",
      [x],
      [1, 1, 1, 2],
      "int32",
      attrsOf(c),
      { atol: 0, rtol: 0 },
      reference("maxPoolIndices"),
    );
  });
});
