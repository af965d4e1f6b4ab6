import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPLAY } from "../../display/mime.js";
import { tensor, tensorBundle, tensorHtml, tensorStats, tensorText } from "../../display/tensor.js";

function fakeTensor(shape: number[], data: number[], extra: Record<string, unknown> = {}) {
  return {
    shape,
    dtype: "float32",
    device: "cpu",
    requiresGrad: false,
    gradFn: null,
    dataSync: () => Float32Array.from(data),
    data: async () => Float32Array.from(data),
    ...extra,
  };
}

test("tensorBundle: PyTorch text plus an HTML view, synchronously on CPU", () => {
  const t = fakeTensor([1, 2], [1, 2], { requiresGrad: true });
  const bundle = tensorBundle(t) as Record<string, string>;
  assert.deepEqual(Object.keys(bundle), ["text/plain", "text/html"]);
  assert.equal(bundle["text/plain"], "tensor([[1., 2.]], requires_grad=True)");
  assert.match(
    bundle["text/html"]!,
    /<b>Tensor<\/b> shape \[1, 2\] · float32 · cpu · requires_grad/,
  );
  assert.match(bundle["text/html"]!, /<tr><th>0<\/th><td>1.<\/td><td>2.<\/td><\/tr>/);
});

test("grad_fn comes from the autograd node's op name", () => {
  const t = fakeTensor([2], [0.5, 1], { requiresGrad: true, gradFn: { op: "mul" } });
  assert.equal(tensorText(t), "tensor([0.5000, 1.0000], grad_fn=<MulBackward0>)");
});

test("GPU tensors are read back asynchronously", async () => {
  const t = { ...fakeTensor([2], [3, 4]), device: "webgpu", dataSync: undefined };
  const pending = tensorBundle(t);
  assert.ok(pending instanceof Promise);
  assert.equal(
    ((await pending) as Record<string, string>)["text/plain"],
    "tensor([3., 4.], device='webgpu')",
  );
});

test("stats count NaN and Inf apart from the finite values", () => {
  const s = tensorStats({ shape: [5], data: [1, 2, 3, Number.NaN, Number.POSITIVE_INFINITY] });
  assert.deepEqual(s, { min: 1, max: 3, mean: 2, std: 1, nan: 1, inf: 1, count: 5 });
  const html = tensorHtml(
    { shape: [2], data: [Number.NaN, 1] },
    { dtype: "float32", device: "cpu" },
  );
  assert.match(html, /<span class="bad">NaN 1<\/span>/);
  assert.match(html, /<td class="bad">nan<\/td>/);
});

test("large 2-D tensors elide the middle rows and columns", () => {
  const data = Array.from({ length: 30 * 30 }, (_, i) => i);
  const html = tensorHtml(
    { shape: [30, 30], data },
    { dtype: "int32", device: "cpu" },
    { maxCells: 4 },
  );
  const rows = [...html.matchAll(/<tr><th>(\d+|…)<\/th>/g)].map((m) => m[1]);
  assert.deepEqual(rows, ["0", "1", "…", "28", "29"]);
  assert.match(
    html,
    /<tr><th>29<\/th><td>870<\/td><td>871<\/td><td>…<\/td><td>898<\/td><td>899<\/td><\/tr>/,
  );
});

test("N-D tensors show labelled 2-D slices, a few of them", () => {
  const data = Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => i);
  const html = tensorHtml(
    { shape: [3, 2, 2, 2], data },
    { dtype: "int32", device: "cpu" },
    { maxSlices: 4 },
  );
  assert.deepEqual(
    [...html.matchAll(/<div>\[([\d, :]+)\]<\/div>/g)].map((m) => m[1]),
    ["0, 0, :, :", "0, 1, :, :", "1, 0, :, :", "1, 1, :, :"],
  );
  assert.match(html, /… 2 more slices/);
});

test("heatmap colouring uses a diverging scale for signed values", () => {
  const html = tensorHtml(
    { shape: [3], data: [-1, 0, 1] },
    { dtype: "float32", device: "cpu" },
    { heatmap: true },
  );
  const colours = [...html.matchAll(/<td style="background:(#\w+)/g)].map((m) => m[1]);
  assert.deepEqual(colours, ["#2166ac", "#f7f7f7", "#b2182b"]);
  const view = tensor(fakeTensor([1], [5]), { heatmap: true });
  assert.match((view[DISPLAY]() as Record<string, string>)["text/html"]!, /background:/);
});
