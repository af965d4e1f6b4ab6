import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { colorAt, colorScales, rgbHex } from "../../display/colormap.js";
import { downsample, formatTick, niceTicks, renderSvg } from "../../display/svgchart.js";

test("niceTicks picks 1-2-5 steps and formatTick hides float noise", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-3, 17), [0, 5, 10, 15]);
  assert.deepEqual(niceTicks(0.013, 0.052, 4), [0.02, 0.03, 0.04, 0.05]);
  assert.equal(formatTick(0.30000000000000004), "0.3");
  assert.equal(formatTick(0.00001), "1e-5");
  assert.equal(formatTick(250000), "3e5");
});

test("a line chart draws one polyline through every point, a legend and titles", () => {
  const svg = renderSvg({
    data: [
      { type: "scatter", name: "train", y: [3, 2, 1], line: { color: "#1f77b4" } },
      { type: "scatter", name: "val", y: [4, Number.NaN, 2, 1.5], line: { color: "#ff7f0e" } },
    ],
    layout: { title: { text: "loss <curve>" }, xaxis: { title: { text: "epoch" } } },
  });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"'));
  const lines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="(#\w+)"/g)];
  assert.deepEqual(
    lines.map((m) => [m[1]!.split(" ").length, m[2]]),
    [
      [3, "#1f77b4"],
      [2, "#ff7f0e"], // NaN breaks the line: the single first point is not a segment
    ],
  );
  assert.ok(svg.includes("loss &lt;curve&gt;"));
  assert.ok(svg.includes(">epoch</text>"));
  assert.ok(svg.includes(">train</text>") && svg.includes(">val</text>"));
});

test("points are placed by value: higher y is drawn higher", () => {
  const svg = renderSvg({
    data: [{ type: "scatter", mode: "markers", x: [0, 1], y: [0, 10] }],
    layout: {},
  });
  const cys = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  assert.equal(cys.length, 2);
  assert.ok(cys[0]![0]! < cys[1]![0]!, "x increases to the right");
  assert.ok(cys[0]![1]! > cys[1]![1]!, "y increases upwards");
});

test("small heatmaps are rects with value labels; large ones one PNG with the scale's colours", () => {
  const small = renderSvg({
    data: [
      {
        type: "heatmap",
        z: [
          [0, 1],
          [2, 3],
        ],
        colorscale: colorScales.gray,
        texttemplate: "%{z}",
      },
    ],
    layout: {},
  });
  const fills = [
    ...small.matchAll(
      /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="(#\w+)" opacity/g,
    ),
  ].map((m) => m[1]);
  assert.deepEqual(fills, ["#000000", "#555555", "#aaaaaa", "#ffffff"]);
  assert.deepEqual(
    [...small.matchAll(/font-size="11" fill="#\w+"[^>]*>(\d)<\/text>/g)].map((m) => m[1]),
    ["0", "1", "2", "3"],
  );

  const z = Array.from({ length: 30 }, (_, r) =>
    Array.from({ length: 30 }, (_, c) => (r === 0 && c === 0 ? 1 : 0)),
  );
  const big = renderSvg({
    data: [{ type: "heatmap", z, colorscale: colorScales.gray }],
    layout: {},
  });
  const b64 = /href="data:image\/png;base64,([^"]+)"/.exec(big)![1]!;
  const img = decode(Buffer.from(b64, "base64"));
  assert.equal(img.width, 30);
  assert.equal(img.height, 30);
  // z[0][0] sits at the bottom-left (row 0 is the lowest y), white on black.
  const bottomLeft = (29 * 30 + 0) * 3;
  assert.deepEqual([...img.data.slice(bottomLeft, bottomLeft + 3)], [255, 255, 255]);
  assert.deepEqual([...img.data.slice(0, 3)], [0, 0, 0]);
});

test("colour scales interpolate between stops", () => {
  assert.deepEqual(colorAt(colorScales.gray, 0.5), [128, 128, 128]);
  assert.equal(rgbHex(colorAt(colorScales.viridis, 0)), "#440154");
  assert.equal(rgbHex(colorAt(colorScales.viridis, 1)), "#fde725");
  assert.equal(rgbHex(colorAt(colorScales.viridis, 7)), "#fde725");
});

test("downsample keeps each bucket's extremes, the ends and NaN gaps", () => {
  assert.deepEqual(downsample([0, 1, 2, 3, 4, 5], [5, 1, 9, 2, 7, 3], 2), {
    x: [0, 1, 2, 5],
    y: [5, 1, 9, 3],
  });
  const n = 100_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((i) => (i === 54_321 ? 1e6 : Math.sin(i / 1000)));
  ys[70_000] = Number.NaN;
  const d = downsample(xs, ys, 1000);
  assert.ok(d.y.length <= 1500, `${d.y.length} points`);
  assert.ok(d.y.includes(1e6), "the spike survives");
  assert.ok(d.y.some(Number.isNaN), "the gap survives");
  assert.deepEqual([d.x[0], d.x.at(-1)], [0, n - 1]);
  const short = [1, 2, 3];
  assert.equal(downsample(short, short, 10).y, short);
});

test("huge scatter clouds are sampled evenly in the static image", () => {
  const y = Array.from({ length: 12_000 }, (_, i) => i % 97);
  const svg = renderSvg({ data: [{ type: "scatter", mode: "markers", y }], layout: {} });
  assert.equal([...svg.matchAll(/<circle /g)].length, 4000);
});
