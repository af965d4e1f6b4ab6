import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { encodeIdx, parseIdx, readIdxFile } from "../../data/idx.js";
import { readIdxImages } from "../../data/mnist.js";
import { ValueError } from "../../tensor/errors.js";

describe("parseIdx", () => {
  it("reads a hand-written uint8 file: magic, big-endian dims, row-major data", () => {
    const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    const out = parseIdx(bytes);
    assert.equal(out.dtype, "uint8");
    assert.deepEqual(out.shape, [2, 3]);
    assert.deepEqual([...out.data], [1, 2, 3, 4, 5, 6]);
  });

  it("reads big-endian int32 and float32 values", () => {
    const i32 = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    assert.deepEqual([...parseIdx(i32).data], [-2, 256]);
    const f32 = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    assert.deepEqual([...parseIdx(f32).data], [1.5]);
  });

  it("round-trips every dtype through encodeIdx, gzipped or not", () => {
    const cases = [
      { dtype: "uint8", data: new Uint8Array([0, 255, 7]) },
      { dtype: "int8", data: new Int8Array([-128, 127, 0]) },
      { dtype: "int16", data: new Int16Array([-300, 300, 1]) },
      { dtype: "int32", data: new Int32Array([-70000, 70000, 3]) },
      { dtype: "float32", data: new Float32Array([0.25, -1e-3, 3]) },
      { dtype: "float64", data: new Float64Array([Math.PI, -Math.E, 0]) },
    ] as const;
    for (const c of cases) {
      const bytes = encodeIdx({ dtype: c.dtype, shape: [3, 1], data: c.data });
      for (const input of [bytes, gzipSync(bytes)]) {
        const out = parseIdx(input);
        assert.equal(out.dtype, c.dtype);
        assert.deepEqual(out.shape, [3, 1]);
        assert.deepEqual([...out.data], [...c.data]);
      }
    }
  });

  it("rejects wrong magic, unknown types, truncation and corrupt gzip with clear errors", () => {
    assert.throws(() => parseIdx(new Uint8Array([1, 2, 3, 4])), /IDX magic number/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 1, 0])), /type byte 0x42/);
    assert.throws(
      () => parseIdx(new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2])),
      (e: unknown) => e instanceof ValueError && /needs 13 bytes, but holds 10/.test(e.message),
    );
    const gz = gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 9]));
    assert.throws(() => parseIdx(gz.subarray(0, gz.length - 6)), /not a valid gzip stream/);
  });
});

const FASHION = "/usr/share/datasets/fashion-mnist";

describe("real Fashion-MNIST (Debian dataset-fashion-mnist)", {
  skip: !existsSync(FASHION),
}, () => {
  it("parses the test split: 10000 images of 28x28 and balanced labels", async () => {
    const t = await readIdxImages(
      `${FASHION}/t10k-images-idx3-ubyte.gz`,
      `${FASHION}/t10k-labels-idx1-ubyte.gz`,
    );
    assert.deepEqual(t.shape, [10000, 1, 28, 28]);
    const counts = new Array(10).fill(0);
    for (const l of t.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
    // The first test image is an ankle boot (class 9) with a dark border.
    assert.equal(t.labels[0], 9);
    assert.equal(t.images[0], 0);
    assert.ok(t.images.slice(0, 784).some((v) => v > 200));
  });

  it("reads the 60000 training labels", async () => {
    const labels = await readIdxFile(`${FASHION}/train-labels-idx1-ubyte.gz`);
    assert.deepEqual(labels.shape, [60000]);
    assert.equal(Math.max(...labels.data), 9);
  });
});
