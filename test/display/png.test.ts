import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { autoScaleFactor, encodePng, upscale } from "../../display/png.js";
import { LecternError } from "../../tensor/errors.js";

test("encodePng round-trips gray, RGB and RGBA pixels through fast-png's decoder", () => {
  for (const channels of [1, 3, 4] as const) {
    const width = 3;
    const height = 2;
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);
    const decoded = decode(encodePng({ width, height, channels, data }));
    assert.equal(decoded.width, width);
    assert.equal(decoded.height, height);
    assert.equal(decoded.channels, channels);
    assert.equal(decoded.depth, 8);
    assert.deepEqual([...decoded.data], [...data]);
  }
});

test("upscale repeats each pixel as a block (nearest neighbour)", () => {
  const img = {
    width: 2,
    height: 1,
    channels: 3 as const,
    data: new Uint8Array([1, 2, 3, 4, 5, 6]),
  };
  const big = upscale(img, 2);
  assert.equal(big.width, 4);
  assert.equal(big.height, 2);
  const row = [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6];
  assert.deepEqual([...big.data], [...row, ...row]);
  assert.equal(upscale(img, 1), img);
});

test("autoScaleFactor enlarges small images to at least 128 px", () => {
  assert.equal(autoScaleFactor(28, 28), 5);
  assert.equal(autoScaleFactor(3, 3), 43);
  assert.equal(autoScaleFactor(256, 100), 1);
});

test("bad pixel buffers raise LecternErrors that say what is wrong", () => {
  assert.throws(
    () => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }),
    (e: unknown) => e instanceof LecternError && /5 values but 2x2x3 needs 12/.test(e.message),
  );
  assert.throws(
    () => upscale({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }, 0),
    LecternError,
  );
});
