import { describe, it } from "node:test";
import { hasKernel } from "../../../../tensor/backends/backend.js";
import { type ConvGeometry, kernels as cpuConv } from "../../../../tensor/backends/cpu/conv.js";
import type { Size3 } from "../../../../tensor/backends/cpu/unfold.js";
import { input, matchesCpu, skip, values } from "./harness.js";

interface Case {
  label: string;
  batch: number;
  cin: number;
  cout: number;
  groups: number;
  /** Spatial sizes (1, 2 or 3 dims). */
  size: number[];
  kernel: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
}

const pad3 = (v: number[], fill: number): Size3 =>
  [...new Array(3 - v.length).fill(fill), ...v] as Size3;

function geometryOf(c: Case): ConvGeometry {
  const rank = c.size.length;
  const stride = c.stride ?? new Array(rank).fill(1);
  const padding = c.padding ?? new Array(rank).fill(0);
  const dilation = c.dilation ?? new Array(rank).fill(1);
  const out = c.size.map(
    (n, i) =>
      Math.floor((n + 2 * padding[i] - dilation[i] * (c.kernel[i] - 1) - 1) / stride[i]) + 1,
  );
  return {
    batch: c.batch,
    inChannels: c.cin,
    outChannels: c.cout,
    groups: c.groups,
    inSize: pad3(c.size, 1),
    outSize: pad3(out, 1),
    kernel: pad3(c.kernel, 1),
    stride: pad3(stride, 1),
    padding: pad3(padding, 0),
    dilation: pad3(dilation, 1),
  };
}

const cases: Case[] = [
  // Eight or more output (and input) channels per group take the implicit-GEMM path;
  // fewer take the direct kernels.
  {
    label: "implicit GEMM: conv2d 8 -> 10 channels, stride 2, dilation 2",
    batch: 2,
    cin: 8,
    cout: 10,
    groups: 1,
    size: [9, 8],
    kernel: [3, 3],
    stride: [2, 1],
    padding: [1, 2],
    dilation: [2, 1],
  },
  {
    label: "implicit GEMM: grouped conv1d (2 groups of 8)",
    batch: 3,
    cin: 16,
    cout: 16,
    groups: 2,
    size: [11],
    kernel: [3],
    padding: [1],
  },
  {
    label: "implicit GEMM: conv3d with 8 channels",
    batch: 1,
    cin: 8,
    cout: 8,
    groups: 1,
    size: [3, 4, 5],
    kernel: [2, 2, 3],
    padding: [1, 0, 1],
  },
  {
    label: "a weight gradient whose long K (batch x positions) is split across workgroups",
    batch: 8,
    cin: 1,
    cout: 2,
    groups: 1,
    size: [16, 16],
    kernel: [3, 3],
    padding: [1, 1],
  },
  {
    label: "conv1d, stride 2, padding 1",
    batch: 2,
    cin: 3,
    cout: 4,
    groups: 1,
    size: [9],
    kernel: [3],
    stride: [2],
    padding: [1],
  },
  {
    label: "conv2d 5x5 (LeNet's first layer)",
    batch: 2,
    cin: 1,
    cout: 6,
    groups: 1,
    size: [12, 12],
    kernel: [5, 5],
    padding: [2, 2],
  },
  {
    label: "conv2d with dilation and uneven stride",
    batch: 1,
    cin: 2,
    cout: 3,
    groups: 1,
    size: [7, 8],
    kernel: [3, 2],
    stride: [2, 1],
    padding: [1, 0],
    dilation: [2, 1],
  },
  {
    label: "grouped conv2d (2 groups)",
    batch: 2,
    cin: 4,
    cout: 6,
    groups: 2,
    size: [5, 5],
    kernel: [3, 3],
    padding: [1, 1],
  },
  {
    label: "depthwise conv2d",
    batch: 1,
    cin: 3,
    cout: 3,
    groups: 3,
    size: [6, 5],
    kernel: [3, 3],
    stride: [2, 2],
    padding: [1, 1],
  },
  {
    label: "pointwise (1x1) conv2d",
    batch: 2,
    cin: 5,
    cout: 3,
    groups: 1,
    size: [4, 4],
    kernel: [1, 1],
  },
  {
    label: "conv3d",
    batch: 1,
    cin: 2,
    cout: 2,
    groups: 1,
    size: [4, 5, 3],
    kernel: [2, 3, 2],
    stride: [1, 2, 1],
    padding: [1, 1, 0],
  },
];

describe("webgpu convolution (direct and implicit GEMM) matches the CPU", { skip }, () => {
  const reference = (op: string) => (hasKernel(op, "cpu") ? undefined : cpuConv[op]);
  for (const c of cases) {
    it(`${c.label}: forward, input gradient and weight gradient`, async () => {
      const g = geometryOf(c);
      const rank = c.size.length;
      const spatial = (s: Size3) => s.slice(3 - rank);
      const xShape = [g.batch, g.inChannels, ...spatial(g.inSize)];
      const wShape = [g.outChannels, g.inChannels / g.groups, ...spatial(g.kernel)];
      const yShape = [g.batch, g.outChannels, ...spatial(g.outSize)];
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const x = input(values(size(xShape), 1), xShape);
      const w = input(values(size(wShape), 2), wShape);
      const b = input(values(g.outChannels, 3), [g.outChannels]);
      const gy = input(values(size(yShape), 4), yShape);
      const tol = { atol: 1e-4, rtol: 1e-4 };
      await matchesCpu("conv", [x, w], yShape, "float32", g, tol, reference("conv"));
      await matchesCpu("conv", [x, w, b], yShape, "float32", g, tol, reference("conv"));
      await matchesCpu(
        "convBackwardInput",
        [gy, w],
        xShape,
        "float32",
        g,
        tol,
        reference("convBackwardInput"),
      );
      await matchesCpu(
        "convBackwardWeight",
        [x, gy],
        wShape,
        "float32",
        g,
        tol,
        reference("convBackwardWeight"),
      );
    });
  }
});
