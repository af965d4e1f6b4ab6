import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attention,
  confusionMatrix,
  decisionBoundary,
  heatmap,
  histogram,
  histogramBins,
  histograms,
  scatter,
} from "../../display/charts.js";
import type { HeatmapTrace, ScatterTrace } from "../../display/figure.js";
import { plot } from "../../display/plot.js";
import { LecternError, ShapeError } from "../../tensor/errors.js";

/** A CPU tensor stand-in with the fields displays read. */
function fakeTensor(shape: number[], data: number[], extra: object = {}) {
  return {
    shape,
    dtype: "float32",
    device: "cpu",
    dataSync: () => Float32Array.from(data),
    data: async () => Float32Array.from(data),
    ...extra,
  };
}

test("scatter groups points by label into one coloured trace per class", () => {
  const fig = scatter(
    [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ],
    [1, 0, 1, 0],
    { classNames: ["cat", "dog"] },
  );
  const traces = fig.data as ScatterTrace[];
  assert.deepEqual(
    traces.map((t) => [t.name, t.x, t.y, t.marker?.color]),
    [
      ["cat", [1, 3], [1, 3], "#1f77b4"],
      ["dog", [0, 2], [0, 2], "#ff7f0e"],
    ],
  );
  assert.throws(
    () => scatter([[0, 0]], [1, 2]),
    (e: unknown) => e instanceof ShapeError && /2 labels for 1 points/.test(e.message),
  );
  assert.throws(() => scatter([[0, 0, 0]]), ShapeError);
});

test("scatter reads CPU tensors; GPU tensors get a clear device error", () => {
  const fig = scatter(fakeTensor([2, 2], [1, 2, 3, 4]), fakeTensor([2], [0, 0]));
  assert.deepEqual((fig.data[0] as ScatterTrace).x, [1, 3]);
  const gpu = { ...fakeTensor([2, 2], [1, 2, 3, 4]), device: "webgpu" };
  assert.throws(
    () => scatter(gpu),
    (e: unknown) =>
      e instanceof LecternError && /on webgpu; move it with \.to\("cpu"\)/.test(e.message),
  );
});

test("histogramBins: equal bins over the finite range, max value in the last bin", () => {
  assert.deepEqual(histogramBins([0, 1, 1, 2, Number.NaN], 2), {
    edges: [0, 1, 2],
    counts: [1, 3],
  });
  assert.deepEqual(histogramBins([5, 5], 1), { edges: [4.5, 5.5], counts: [2] });
});

test("histogram overlays named series on shared bins", () => {
  const fig = histogram({ a: [0, 0, 1], b: [1, 2] }, { bins: 2 });
  assert.deepEqual(
    fig.data.map((t) => t.type === "bar" && [t.name, t.x, t.y, t.width, t.opacity]),
    [
      ["a", [0.5, 1.5], [2, 1], 1, 0.6],
      ["b", [0.5, 1.5], [0, 2], 1, 0.6],
    ],
  );
  assert.equal(fig.layout.barmode, "overlay");
});

test("histograms: one panel per parameter; grad mode skips missing gradients", () => {
  const params: [string, ReturnType<typeof fakeTensor>][] = [
    ["fc1.weight", fakeTensor([2], [1, 2], { grad: fakeTensor([2], [0.1, 0.2]) })],
    ["fc1.bias", fakeTensor([1], [0], { grad: null })],
    ["fc2.weight", fakeTensor([2], [3, 4], { grad: fakeTensor([2], [0.3, 0.4]) })],
  ];
  const fig = histograms(params, { grad: true, bins: 4 });
  assert.deepEqual(
    fig.data.map((t) => [t.name, t.xaxis, t.yaxis]),
    [
      ["fc1.weight", "x", "y"],
      ["fc2.weight", "x2", "y2"],
    ],
  );
  assert.deepEqual(
    fig.layout.annotations!.map((a) => a.text),
    ["fc1.weight", "fc2.weight"],
  );
  assert.throws(
    () => histograms([["w", fakeTensor([1], [0], { grad: null })]], { grad: true }),
    /call loss\.backward\(\) first/,
  );
});

test("confusionMatrix counts (true, predicted) pairs and reports accuracy", () => {
  const fig = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], {
    classNames: ["a", "b", "c"],
  });
  const t = fig.data[0] as HeatmapTrace;
  assert.deepEqual(t.z, [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
  assert.deepEqual(t.x, ["a", "b", "c"]);
  assert.equal(t.texttemplate, "%{z}");
  assert.equal(fig.layout.title!.text, "confusion matrix (accuracy 66.7%)");
  assert.equal(fig.layout.yaxis!.autorange, "reversed");
  const norm = confusionMatrix([0, 0, 1], [0, 1, 1], { normalize: true }).data[0] as HeatmapTrace;
  assert.deepEqual(norm.z, [
    [0.5, 0.5],
    [0, 1],
  ]);
  assert.throws(() => confusionMatrix([0.5], [1]), /class indices/);
  const svg = fig.svg();
  assert.equal([...svg.matchAll(/font-size="11" fill="#\w+"[^>]*>(\d)<\/text>/g)].length, 9);
});

test("decisionBoundary evaluates the classifier once on the grid and colours regions", () => {
  let calls = 0;
  const fig = decisionBoundary(
    (xy) => {
      calls++;
      return xy.map(([x]) => (x! > 0 ? 1 : 0));
    },
    [
      [-1, 0],
      [1, 0],
      [-1, 1],
      [1, 1],
    ],
    [0, 1, 0, 1],
    { resolution: 11, padding: 0 },
  );
  assert.equal(calls, 1);
  const regions = fig.data[0] as HeatmapTrace;
  assert.equal(regions.z.length, 11);
  assert.deepEqual(regions.z[0], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(
    regions.x!.map(Number).map((v) => Number(v.toFixed(6))),
    [-1, -0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1],
  );
  assert.deepEqual(
    fig.data.slice(1).map((t) => t.name),
    ["0", "1"],
  );
  // Scores [N, C] are argmaxed, probabilities [N] thresholded at 0.5.
  const byScores = decisionBoundary(
    (xy) => xy.map(([x]) => [x!, -x!]),
    [
      [-1, 0],
      [1, 0],
    ],
    [1, 0],
    { resolution: 3, padding: 0 },
  );
  assert.deepEqual((byScores.data[0] as HeatmapTrace).z[0], [1, 0, 0]);
  const byProb = decisionBoundary(
    (xy) => xy.map(([x]) => (x! + 1) / 2.5),
    [
      [-1, 0],
      [1, 0],
    ],
    [0, 1],
    { resolution: 3, padding: 0 },
  );
  assert.deepEqual((byProb.data[0] as HeatmapTrace).z[0], [0, 0, 1]);
  assert.throws(
    () =>
      decisionBoundary(
        () => [1],
        [
          [0, 0],
          [1, 1],
        ],
        [0, 1],
      ),
    /returned shape \[1\]/,
  );
});

test("heatmap and attention label rows and columns with tokens", () => {
  const fig = heatmap(
    [
      [1, 2],
      [3, 4],
    ],
    { xLabels: ["a", "b"], yLabels: ["c", "d"], showValues: true },
  );
  assert.deepEqual((fig.data[0] as HeatmapTrace).y, ["c", "d"]);
  assert.throws(() => heatmap([[1, 2]], { xLabels: ["a"] }), /xLabels has 1 entries for 2 columns/);
  const heads = attention(fakeTensor([2, 2, 2], [1, 0, 0.5, 0.5, 0, 1, 1, 0]), ["the", "the"]);
  assert.deepEqual(
    heads.data.map((t) => [t.xaxis, (t as HeatmapTrace).x, (t as HeatmapTrace).z]),
    [
      [
        "x",
        ["the", "the (1)"],
        [
          [1, 0],
          [0.5, 0.5],
        ],
      ],
      [
        "x2",
        ["the", "the (1)"],
        [
          [0, 1],
          [1, 0],
        ],
      ],
    ],
  );
  assert.throws(
    () => attention([[1]], ["a", "b"]),
    /2 query and 2 key tokens for weights \[1, 1\]/,
  );
});

test("large inputs (300k values) neither overflow the stack nor lose counts", () => {
  const big = Array.from({ length: 300_000 }, (_, i) => i % 7);
  const fig = histogram(big, { bins: 7 });
  assert.deepEqual(fig.data[0]!.y, [42858, 42857, 42857, 42857, 42857, 42857, 42857]);
  assert.ok(fig.svg().startsWith("<svg"));
  assert.ok(plot(big).svg().includes("<polyline"));
});
