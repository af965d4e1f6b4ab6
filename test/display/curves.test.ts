import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { setDisplayChannel } from "../../display/channel.js";
import { trainingCurves } from "../../display/curves.js";
import { PLOTLY_MIME, resetPlotlyLibrary, setPlotlyInlining } from "../../display/plot.js";
import { LecternError } from "../../tensor/errors.js";
import { captureStdout, FakeChannel, FakeClock } from "./fakes.js";

beforeEach(() => {
  resetPlotlyLibrary();
  setPlotlyInlining("never");
});
afterEach(() => {
  setDisplayChannel(undefined);
  setPlotlyInlining("once");
});

test("1000 logs in one second become one display and ~10 in-place updates ending with the final state", () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  const clock = new FakeClock();
  const curves = trainingCurves({ clock });
  for (let step = 0; step < 1000; step++) {
    curves.log({ step, loss: 1 / (step + 1) });
    clock.advance(1);
  }
  clock.advance(200);
  assert.equal(channel.calls[0]!.kind, "display");
  const id = (channel.calls[0] as { displayId: string }).displayId;
  assert.match(id, /^lectern-curves-/);
  const updates = channel.calls.slice(1);
  assert.ok(updates.every((c) => c.kind === "update" && c.displayId === id));
  assert.ok(updates.length >= 9 && updates.length <= 11, `${updates.length} updates`);
  const last = channel.calls.at(-1) as { data: Record<string, unknown> };
  const fig = last.data[PLOTLY_MIME] as { data: { name: string; y: number[]; x: number[] }[] };
  assert.equal(fig.data[0]!.name, "loss");
  assert.equal(fig.data[0]!.y.length, 1000);
  assert.equal(fig.data[0]!.x.at(-1), 999);
  assert.equal(last.data["text/plain"], "training curves (1000 points): step 999  loss 0.0010");
  assert.ok(typeof last.data["image/svg+xml"] === "string");
});

test("metrics are grouped into loss / accuracy / lr panels, validation dashed", () => {
  const curves = trainingCurves({ title: "MLP", clock: new FakeClock() });
  curves.log({ epoch: 0, loss: 2, valLoss: 2.2, acc: 0.1, lr: 0.1 });
  curves.log({ epoch: 1, loss: 1, valLoss: 1.4, acc: 0.6, lr: 0.05 });
  const fig = curves.figure().toJSON();
  assert.deepEqual(
    fig.data.map((t) => [
      t.name,
      t.xaxis,
      t.yaxis,
      t.type === "scatter" ? t.line?.dash : undefined,
    ]),
    [
      ["loss", "x", "y", undefined],
      ["valLoss", "x", "y", "dash"],
      ["acc", "x2", "y2", undefined],
      ["lr", "x3", "y3", undefined],
    ],
  );
  assert.deepEqual(
    fig.layout.annotations!.map((a) => a.text),
    ["loss", "accuracy", "learning rate"],
  );
  assert.equal(fig.layout.title!.text, "MLP");
  assert.deepEqual(fig.layout.xaxis2!.anchor, "y2");
  assert.equal(fig.layout.xaxis!.title!.text, "epoch");
});

test("close sends the final state immediately; outside a kernel it prints a line", async () => {
  const clock = new FakeClock();
  const written = await captureStdout(() => {
    const curves = trainingCurves({ clock });
    curves.log({ epoch: 0, loss: 0.5 });
    curves.log({ epoch: 1, loss: 0.25 });
    curves.close();
  });
  assert.deepEqual(written, ["epoch 0  loss 0.5000\n", "epoch 1  loss 0.2500\n"]);
  assert.equal(clock.pendingTimers, 0);
});

test("one-element tensors are read; anything else is rejected with a hint", () => {
  const curves = trainingCurves({ clock: new FakeClock() });
  const loss = {
    shape: [],
    dtype: "float32",
    device: "cpu",
    dataSync: () => Float32Array.of(0.25),
    data: async () => Float32Array.of(0.25),
  };
  curves.log({ step: 0, loss });
  assert.deepEqual(curves.history, [{ step: 0, loss: 0.25 }]);
  const batch = { ...loss, shape: [2] };
  assert.throws(
    () => curves.log({ loss: batch }),
    /"loss" must be a number or a one-element tensor, got a tensor of shape \[2\]/,
  );
  assert.throws(
    () => curves.log({ loss: {} as unknown as number }),
    (e: unknown) =>
      e instanceof LecternError &&
      /"loss" must be a number or a one-element tensor, got object/.test(e.message),
  );
});

test("long runs are sent as at most a few thousand points per metric, ending at the last step", () => {
  const curves = trainingCurves({ clock: new FakeClock() });
  for (let step = 0; step < 50_000; step++) curves.history.push({ step, loss: 1 / (step + 1) });
  const fig = curves.figure().toJSON();
  const loss = fig.data[0] as { x: number[]; y: number[] };
  assert.ok(loss.y.length <= 2000, `${loss.y.length} points`);
  assert.equal(loss.x.at(-1), 49_999);
  assert.equal(loss.y[0], 1);
});
