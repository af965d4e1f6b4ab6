// lt.save / lt.load: safetensors state dicts that PyTorch loads strictly
// (proving key names, shapes and dtypes) and that lectern loads back.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import { reference, skipWithoutTorch } from "./torch_reference.js";

const torchModel =
  "nn.ModuleDict({'body': nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2)), 'rnn': nn.LSTM(3, 4, bidirectional=True), 'attn': nn.MultiheadAttention(8, 2)})";

function lecternModel(): nn.Module {
  return new nn.ModuleDict({
    body: new nn.Sequential(
      new nn.Linear(4, 5),
      new nn.BatchNorm1d(5),
      new nn.ReLU(),
      new nn.Linear(5, 2),
    ),
    rnn: new nn.LSTM(3, 4, { bidirectional: true }),
    attn: new nn.MultiheadAttention(8, 2),
  });
}

function values(sd: nn.StateDict): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(sd).map(([k, t]) => [k, Array.from(t.dataSync(), Number)]),
  );
}

function closeArrays(a: number[], b: number[], label: string) {
  assert.equal(a.length, b.length, label);
  a.forEach((x, i) => {
    assert.ok(Math.abs(x - b[i]!) < 1e-6, `${label}[${i}]: ${x} vs ${b[i]}`);
  });
}

describe("lt.save / lt.load", () => {
  it("round-trips a state dict in lectern", async () => {
    lt.manualSeed(1);
    const dir = mkdtempSync(join(tmpdir(), "lectern-save-"));
    const a = lecternModel();
    await nn.save(a.stateDict(), join(dir, "m.safetensors"), { metadata: { epoch: "3" } });
    const b = lecternModel();
    const loaded = await nn.load(join(dir, "m.safetensors"));
    assert.deepEqual(Object.keys(loaded), Object.keys(a.stateDict()));
    b.loadStateDict(loaded);
    assert.deepEqual(values(b.stateDict()), values(a.stateDict()));
    assert.deepEqual(await nn.loadMetadata(join(dir, "m.safetensors")), {
      format: "pt",
      epoch: "3",
    });
    assert.deepEqual(readdirSync(dir), ["m.safetensors"], "no temporary file is left behind");
  });

  it("saves a module directly and replaces an existing file atomically", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-save-"));
    const path = join(dir, "m.safetensors");
    writeFileSync(path, "old");
    const m = new nn.Linear(2, 3);
    await nn.save(m, path);
    assert.deepEqual(Object.keys(await nn.load(path)), ["weight", "bias"]);
    const before = readFileSync(path);
    await assert.rejects(nn.save({ w: 3 as any }, path), /"w" is a number, not a Tensor/);
    assert.deepEqual(readFileSync(path), before, "a failed save leaves the old file intact");
    assert.deepEqual(readdirSync(dir), ["m.safetensors"]);
  });

  it("writes checkpoints PyTorch loads strictly", { skip: skipWithoutTorch }, async () => {
    lt.manualSeed(2);
    const dir = mkdtempSync(join(tmpdir(), "lectern-save-"));
    const m = lecternModel();
    const path = join(dir, "lectern.safetensors");
    await nn.save(m.stateDict(), path);
    const seen = reference("loadinto", torchModel, path);
    const ours = values(m.stateDict());
    assert.deepEqual(Object.keys(seen.tensors).sort(), Object.keys(ours).sort());
    for (const [k, v] of Object.entries(seen.tensors) as [string, { values: number[] }][]) {
      closeArrays(v.values.map(Number), ours[k]!, k);
    }
  });

  it("loads checkpoints PyTorch wrote (int64 counters become int32)", {
    skip: skipWithoutTorch,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-save-"));
    const path = join(dir, "torch.safetensors");
    const seen = reference("statedict", torchModel, path);
    const m = lecternModel();
    m.loadStateDict(await nn.load(path));
    const ours = values(m.stateDict());
    for (const [k, v] of Object.entries(seen.tensors) as [string, { values: number[] }][]) {
      closeArrays(ours[k]!, v.values.map(Number), k);
    }
    assert.equal(m.stateDict()["body.1.num_batches_tracked"]!.dtype, "int32");
  });
});

describe("loading a mismatched checkpoint", () => {
  it("names missing and unexpected keys, and loads the rest with strict: false", () => {
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
    const sd = m.stateDict();
    const partial = {
      "0.weight": sd["0.weight"]!,
      "0.bias": sd["0.bias"]!,
      "5.weight": lt.zeros([1]),
    };
    assert.throws(
      () => m.loadStateDict(partial),
      (e: Error) =>
        e instanceof lt.ValueError &&
        /missing key\(s\): "1\.weight", "1\.bias"/.test(e.message) &&
        /unexpected key\(s\): "5\.weight"/.test(e.message) &&
        /strict: false/.test(e.message),
    );
    const other = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
    const result = other.loadStateDict(partial, { strict: false });
    assert.deepEqual(result, { missingKeys: ["1.weight", "1.bias"], unexpectedKeys: ["5.weight"] });
    assert.deepEqual(
      Array.from(other.stateDict()["0.weight"]!.dataSync()),
      Array.from(sd["0.weight"]!.dataSync()),
    );
  });

  it("names every shape clash with both shapes", () => {
    const m = new nn.Linear(4, 3);
    assert.throws(
      () => m.loadStateDict({ weight: lt.zeros([3, 5]), bias: lt.zeros([2]) }),
      (e: Error) =>
        e instanceof lt.ShapeError &&
        /size mismatch for weight: .*shape \[3,5\] from the checkpoint, the shape in the current model is \[3,4\]/.test(
          e.message,
        ) &&
        /size mismatch for bias/.test(e.message),
    );
  });
});
