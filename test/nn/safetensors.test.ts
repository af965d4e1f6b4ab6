import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeSafetensors, encodeSafetensors, type RawTensor } from "../../nn/safetensors.js";
import { ValueError } from "../../tensor/errors.js";
import { reference, skipWithoutTorch } from "./torch_reference.js";

function sample(): Map<string, RawTensor> {
  return new Map<string, RawTensor>([
    [
      "layer.weight",
      { dtype: "float32", shape: [2, 3], data: new Float32Array([1, -2.5, 3, 0.125, 5, 6]) },
    ],
    ["layer.bias", { dtype: "float32", shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) }],
    ["steps", { dtype: "int32", shape: [], data: new Int32Array([7]) }],
    ["mask", { dtype: "bool", shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) }],
    ["empty", { dtype: "float32", shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

describe("safetensors", () => {
  it("round-trips tensors and metadata in insertion order", () => {
    const bytes = encodeSafetensors(sample(), { format: "pt" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0, "data starts 8-aligned");
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, { format: "pt" });
    assert.deepEqual([...tensors.keys()], [...sample().keys()]);
    for (const [k, t] of sample()) assert.deepEqual(tensors.get(k), t);
  });

  it("names the problem in a corrupt file", () => {
    assert.throws(
      () => decodeSafetensors(new Uint8Array(4), "x.safetensors"),
      /x.safetensors .*only 4 bytes/,
    );
    const bytes = encodeSafetensors(sample());
    assert.throws(
      () => decodeSafetensors(bytes.subarray(0, bytes.length - 4)),
      (e: Error) => {
        return e instanceof ValueError && /tensor "\w+".*needs \d+ bytes/.test(e.message);
      },
    );
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 8n, true);
    bad.set(new TextEncoder().encode("not json"), 8);
    assert.throws(() => decodeSafetensors(bad), /header is not JSON/);
  });

  it("rejects a shape that disagrees with the data", () => {
    const t = new Map<string, RawTensor>([
      ["w", { dtype: "float32", shape: [3], data: new Float32Array(2) }],
    ]);
    assert.throws(() => encodeSafetensors(t), /"w" has shape \[3\] \(3 elements\) but 2 values/);
  });

  it("writes files PyTorch reads and reads files PyTorch writes", {
    skip: skipWithoutTorch,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-st-"));
    const ours = join(dir, "ours.safetensors");
    writeFileSync(ours, encodeSafetensors(sample(), { format: "pt" }));
    const seen = reference("check", ours);
    assert.deepEqual(seen.metadata, { format: "pt" });
    for (const [k, t] of sample()) {
      const s = seen.tensors[k];
      assert.equal(s.dtype, { float32: "F32", int32: "I32", bool: "BOOL" }[t.dtype]);
      assert.deepEqual(s.shape, t.shape);
      assert.deepEqual(
        s.values,
        Array.from(t.data, (v) => (t.dtype === "bool" ? v === 1 : v)),
      );
    }
    const theirs = join(dir, "theirs.safetensors");
    reference("roundtrip", ours, theirs);
    const back = decodeSafetensors(readFileSync(theirs), theirs);
    assert.deepEqual(back.metadata, { format: "pt", by: "torch" });
    assert.deepEqual(Array.from(back.tensors.get("layer.weight")!.data), [2, -5, 6, 0.25, 10, 12]);
    assert.deepEqual(back.tensors.get("steps"), sample().get("steps"));
    assert.deepEqual(back.tensors.get("mask"), sample().get("mask"));
    assert.deepEqual(back.tensors.get("extra_i64"), {
      dtype: "int32",
      shape: [2, 2],
      data: new Int32Array([1, -2, 3, 2 ** 31 - 1]),
    });
    assert.deepEqual(Array.from(back.tensors.get("extra_f64")!.data), [0.5, -1.25]);
    const f16 = back.tensors.get("extra_f16")!;
    assert.equal(f16.dtype, "float32");
    assert.equal(f16.data[0], 1.5);
    assert.ok(Math.abs(f16.data[1]! + 0.0001) < 1e-6);
    assert.equal(f16.data[2], 65504);
    assert.deepEqual(back.tensors.get("extra_u8")!.data, new Int32Array([0, 255]));
  });
});
