import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import * as lt from "../../tensor/index.js";

describe("interrupt check", () => {
  afterEach(() => lt.setInterruptCheck(undefined));

  it("runs before every op and stops a loop between ops", () => {
    let calls = 0;
    let interrupted = false;
    lt.setInterruptCheck(() => {
      calls++;
      if (interrupted) throw new Error("KeyboardInterrupt");
    });
    const x = lt.ones([2]);
    x.add(1).mul(2);
    assert.ok(calls >= 2);
    interrupted = true;
    assert.throws(() => x.add(1), /KeyboardInterrupt/);
    lt.setInterruptCheck(undefined);
    assert.deepEqual(x.add(1).arraySync(), [2, 2]);
  });
});
