import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { setDisplayChannel } from "../../display/channel.js";
import { DISPLAY } from "../../display/mime.js";
import { markdown } from "../../display/rich.js";
import { clear, show, update } from "../../display/show.js";
import { captureStdout, FakeChannel } from "./fakes.js";

afterEach(() => setDisplayChannel(undefined));

test("show sends display_data through the channel before returning", () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  void show(markdown("# hi"), { id: "x", metadata: { "text/markdown": {} } });
  assert.deepEqual(channel.calls, [
    {
      kind: "display",
      data: { "text/markdown": "# hi", "text/plain": "# hi" },
      metadata: { "text/markdown": {} },
      displayId: "x",
    },
  ]);
});

test("asynchronous bundles are sent when they resolve", async () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  const pending = show({ [DISPLAY]: async () => ({ "text/plain": "gpu" }) });
  assert.equal(channel.calls.length, 0);
  await pending;
  assert.deepEqual(channel.calls, [
    { kind: "display", data: { "text/plain": "gpu" }, metadata: {} },
  ]);
});

test("update and clear map to update_display_data and clear_output", async () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  await update("loss", "epoch 2");
  clear(true);
  assert.deepEqual(channel.calls, [
    { kind: "update", displayId: "loss", data: { "text/plain": "epoch 2" }, metadata: {} },
    { kind: "clear", wait: true },
  ]);
});

test("outside a kernel the text fallback goes to stdout", async () => {
  const written = await captureStdout(async () => {
    await show(markdown("**bold**"));
    await update("id", "new");
    clear();
  });
  assert.deepEqual(written, ["**bold**\n", "new\n"]);
});
