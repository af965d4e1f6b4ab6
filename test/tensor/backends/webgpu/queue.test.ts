import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LecternError } from "../../../../tensor/errors.js";
import { elementwise } from "../../../../tensor/backends/webgpu/elementwise.js";
import { sizeClass } from "../../../../tensor/backends/webgpu/pool.js";
import {
  freeStorage,
  poolStats,
  readStorage,
  synchronize,
  uploadStorage,
} from "../../../../tensor/backends/webgpu/queue.js";
import type { GPUView } from "../../../../tensor/backends/webgpu/view.js";
import { skip } from "./harness.js";

const floats = (values: number[]) =>
  uploadStorage(new Uint32Array(new Float32Array(values).buffer), "float32");
const vec = (storage: ReturnType<typeof floats>, n: number): GPUView => ({
  storage,
  shape: [n],
  strides: [1],
  offset: 0,
  dtype: "float32",
});
const read = async (s: ReturnType<typeof floats>) =>
  Array.from(new Float32Array((await readStorage(s)).buffer));

describe("webgpu size classes", () => {
  it("round up to powers of two, then quarter steps past 1 MiB", () => {
    assert.equal(sizeClass(1), 256);
    assert.equal(sizeClass(257), 512);
    assert.equal(sizeClass(2 ** 20), 2 ** 20);
    assert.equal(sizeClass(2 ** 20 + 1), 2 ** 20 + 2 ** 18);
    assert.equal(sizeClass(5 * 2 ** 20), 5 * 2 ** 20);
    assert.equal(sizeClass(5 * 2 ** 20 + 1), 6 * 2 ** 20);
  });
});

describe("webgpu queue", { skip }, () => {
  it("chains many ops without waiting and reads the result once", async () => {
    let x = vec(floats([1, 2, 3]), 3);
    for (let i = 0; i < 300; i++) x = vec(elementwise("add", [x], "x0 + 1.0", "float32"), 3);
    assert.deepEqual(await read(x.storage), [301, 302, 303]);
  });

  it("reads a sub-range of a storage", async () => {
    const s = floats([10, 11, 12, 13, 14]);
    assert.deepEqual(
      Array.from(new Float32Array((await readStorage(s, 1, 3)).buffer)),
      [11, 12, 13],
    );
  });

  it("reuses a freed buffer of the same size class instead of creating one", async () => {
    const a = floats(new Array(1000).fill(1));
    await synchronize();
    const before = poolStats();
    freeStorage(a);
    const b = floats(new Array(900).fill(2));
    await read(b);
    const after = poolStats();
    assert.equal(after.created, before.created, "no new buffer");
    assert.ok(after.reused > before.reused);
  });

  it("keeps a buffer alive while a pending op reads it, even if freed first", async () => {
    const a = floats([1, 2, 3]);
    const y = elementwise("double", [vec(a, 3)], "2.0 * x0", "float32");
    freeStorage(a);
    floats([7, 7, 7]);
    assert.deepEqual(await read(y), [2, 4, 6]);
  });

  it("rejects a freed storage with a LecternError", async () => {
    const a = floats([1]);
    freeStorage(a);
    freeStorage(a);
    assert.throws(() => elementwise("neg", [vec(a, 1)], "-x0", "float32"), LecternError);
    await assert.rejects(readStorage(a), /disposed|dispose/);
  });

  it("reports GPU errors at read-back as a LecternError naming the op", async () => {
    const x = vec(floats([1, 2]), 2);
    const bad = elementwise("brokenOp", [x], "x0 + undefined_name", "float32");
    await assert.rejects(
      read(bad),
      (e: unknown) => e instanceof LecternError && /brokenOp/.test(String(e)),
    );
    // The device is still usable afterwards.
    assert.deepEqual(await read(elementwise("neg", [x], "-x0", "float32")), [-1, -2]);
  });
});
