// The display namespace used the way notebooks use it: through lectern's
// public API, with real tensors, modules, autograd graphs and gradients.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import * as lt from "../../index.js";

const { display, nn } = lt;
const DISPLAY = Symbol.for("Jupyter.display");

async function bundle(x: unknown): Promise<Record<string, string>> {
  return (await (x as Record<symbol, () => unknown>)[DISPLAY]!()) as Record<string, string>;
}

test("tensors: PyTorch text with grad_fn from the autograd node", async () => {
  const x = lt.tensor([[1, 2.5]], { requiresGrad: true });
  assert.equal(display.tensorText(x), "tensor([[1.0000, 2.5000]], requires_grad=True)");
  assert.equal(display.tensorText(x.mul(2)), "tensor([[2., 5.]], grad_fn=<MulBackward0>)");
  const b = await bundle(display.tensor(lt.arange(6).reshape([2, 3]), { heatmap: true }));
  assert.equal(b["text/plain"], "tensor([[0, 1, 2],\n        [3, 4, 5]])");
  assert.match(b["text/html"]!, /shape \[2, 3\] · int32 · cpu/);
});

test("images and grids from real tensors", async () => {
  const img = lt.zeros([3, 4, 4]);
  const png = decode(
    Buffer.from((await bundle(display.image(img, { scale: 1 })))["image/png"]!, "base64"),
  );
  assert.deepEqual([png.width, png.height, png.channels], [4, 4, 3]);
  const g = await bundle(display.grid(lt.ones([5, 1, 4, 4]), { nrow: 5, padding: 1, scale: 1 }));
  const grid = decode(Buffer.from(g["image/png"]!, "base64"));
  assert.deepEqual([grid.width, grid.height], [26, 6]);
});

test("feature maps and filters of a real CNN, histograms of its gradients", async () => {
  lt.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(4 * 6 * 6, 3),
  );
  const x = lt.rand([2, 1, 6, 6]);
  const maps = await bundle(display.featureMaps(model, x, { layers: ["0", "1"] }));
  assert.equal(maps["text/plain"], "<feature maps>\n0: [2, 4, 6, 6]\n1: [2, 4, 6, 6]");
  const filters = await bundle(
    display.filters((model[0] as InstanceType<typeof nn.Conv2d>).weight),
  );
  assert.equal(filters["text/plain"], "<4 filters 3x3, input channel 0 of 1>");
  model(x).sum().backward();
  const h = display.histograms(model.namedParameters(), { grad: true });
  assert.deepEqual(
    h.data.map((t) => t.name),
    ["0.weight", "0.bias", "3.weight", "3.bias"],
  );
});

test("autograd graph, decision boundary and confusion matrix from tensors", () => {
  const w = lt.tensor([0.5, -1], { requiresGrad: true });
  const loss = lt.tensor([1, 2]).mul(w).sum();
  const g = display.autogradGraph(lt.autograd.graph(loss, { names: new Map([[w, "w"]]) }));
  assert.match(
    (g as unknown as Record<symbol, () => Record<string, string>>)[DISPLAY]!()["text/plain"]!,
    /= w {2}\[2\]/,
  );
  const boundary = display.decisionBoundary(
    (xy) => lt.tensor(xy).sum(1).gt(0),
    [
      [-1, -1],
      [1, 1],
    ],
    [0, 1],
    { resolution: 3, padding: 0 },
  );
  assert.deepEqual((boundary.data[0] as { z: number[][] }).z, [
    [0, 0, 0],
    [0, 0, 1],
    [0, 1, 1],
  ]);
  const cm = display.confusionMatrix(
    lt.tensor([0, 1, 1], { dtype: "int32" }),
    lt.tensor([0, 1, 0], { dtype: "int32" }),
  );
  assert.deepEqual((cm.data[0] as { z: number[][] }).z, [
    [1, 0],
    [1, 1],
  ]);
});
