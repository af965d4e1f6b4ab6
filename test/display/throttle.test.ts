import assert from "node:assert/strict";
import { test } from "node:test";
import { flushPendingDisplays, Throttle } from "../../display/throttle.js";
import { FakeClock } from "./fakes.js";

test("requests inside the interval coalesce into one trailing emission", () => {
  const clock = new FakeClock();
  const emitted: number[] = [];
  let state = 0;
  const t = new Throttle(() => emitted.push(state), 100, clock);
  for (let i = 1; i <= 50; i++) {
    state = i;
    t.request();
    clock.advance(5); // 200 requests/s
  }
  clock.advance(100);
  // 50 requests over 250 ms: the leading one at t=0, then one per 100 ms
  // with the state of that moment, and a trailing one carrying the final state.
  assert.deepEqual(emitted, [1, 20, 40, 50]);
  assert.equal(clock.pendingTimers, 0);
});

test("a synchronous loop (timers cannot fire) still emits once per interval", () => {
  const clock = new FakeClock();
  const emitted: number[] = [];
  let state = 0;
  const t = new Throttle(() => emitted.push(state), 100, clock);
  for (let i = 1; i <= 50; i++) {
    state = i;
    t.request();
    clock.busy(5);
  }
  assert.deepEqual(emitted, [1, 21, 41]);
  clock.advance(100);
  assert.deepEqual(emitted, [1, 21, 41, 50], "the trailing timer delivers the final state");
  assert.equal(clock.pendingTimers, 0);
});

test("flush sends the pending state at once and only if something changed", () => {
  const clock = new FakeClock();
  const emitted: number[] = [];
  let state = 0;
  const t = new Throttle(() => emitted.push(state), 100, clock);
  state = 1;
  t.request();
  state = 2;
  t.request();
  t.flush();
  t.flush();
  assert.deepEqual(emitted, [1, 2]);
  assert.equal(clock.pendingTimers, 0);
});

test("flushPendingDisplays delivers every throttle's final state", () => {
  const clock = new FakeClock();
  const emitted: string[] = [];
  const a = new Throttle(() => emitted.push("a"), 100, clock);
  const b = new Throttle(() => emitted.push("b"), 100, clock);
  a.request();
  b.request();
  a.request();
  b.request();
  flushPendingDisplays();
  assert.deepEqual(emitted, ["a", "b", "a", "b"]);
  assert.equal(clock.pendingTimers, 0);
});
