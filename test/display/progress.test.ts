import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { setDisplayChannel } from "../../display/channel.js";
import { progress } from "../../display/progress.js";
import { FakeChannel, FakeClock } from "./fakes.js";

afterEach(() => setDisplayChannel(undefined));

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return {
    out,
    stream: { isTTY, write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream & {
      isTTY: boolean;
    },
  };
}

test("tqdm-style text with percentage, bar, count, times and rate", () => {
  const clock = new FakeClock();
  const bar = progress(100, { description: "epoch 1", clock, stream: fakeStream(false).stream });
  clock.advance(12_000);
  bar.update(45);
  assert.equal(bar.text(), "epoch 1:  45%|█████████           | 45/100 [00:12<00:15, 3.75it/s]");
  bar.update(5);
  assert.equal(bar.text(), "epoch 1:  50%|██████████          | 50/100 [00:12<00:12, 4.17it/s]");
});

test("wrapping an iterable yields every item and finishes at total", () => {
  const { out, stream } = fakeStream(false);
  const clock = new FakeClock();
  const items: string[] = [];
  for (const x of progress(["a", "b", "c"], { clock, stream })) items.push(x);
  assert.deepEqual(items, ["a", "b", "c"]);
  // Not a terminal (CI log): one final line only.
  assert.deepEqual(out, ["100%|████████████████████| 3/3 [00:00<00:00, 0.00it/s]\n"]);
});

test("on a terminal the bar redraws in place with \\r", () => {
  const { out, stream } = fakeStream(true);
  const clock = new FakeClock();
  const bar = progress(2, { clock, stream });
  bar.update();
  clock.advance(200);
  bar.update();
  bar.close();
  assert.ok(out.length >= 2);
  assert.ok(out.every((s) => s.startsWith("\r")));
  assert.ok(out.at(-1)!.endsWith("2/2 [00:00<00:00, 10.00it/s]\n"));
});

test("async iterables work with for await", async () => {
  async function* gen() {
    yield 1;
    yield 2;
  }
  const got: number[] = [];
  for await (const x of progress(gen(), {
    total: 2,
    clock: new FakeClock(),
    stream: fakeStream(false).stream,
  }))
    got.push(x);
  assert.deepEqual(got, [1, 2]);
});

test("in a notebook: one HTML display, then throttled in-place updates", () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  const clock = new FakeClock();
  const bar = progress(1000, { clock });
  for (let i = 0; i < 1000; i++) {
    bar.update();
    clock.advance(1);
  }
  bar.close();
  assert.equal(channel.calls[0]!.kind, "display");
  assert.ok(channel.calls.length <= 12, `${channel.calls.length} messages`);
  const last = channel.calls.at(-1) as { kind: string; data: Record<string, string> };
  assert.equal(last.kind, "update");
  assert.match(last.data["text/plain"]!, /100%\|█{20}\| 1000\/1000/);
  assert.match(last.data["text/html"]!, /width:100\.0%/);
});

test("a count iterates 0 … n-1 like tqdm's trange", () => {
  const seen: number[] = [];
  for (const i of progress(3, { clock: new FakeClock(), stream: fakeStream(false).stream }))
    seen.push(i);
  assert.deepEqual(seen, [0, 1, 2]);
});
