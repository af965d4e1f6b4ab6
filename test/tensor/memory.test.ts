/**
 * Memory is released without user bookkeeping: a 10,000-step training loop
 * keeps a flat heap, and collected tensors free their backend storage.
 * Runs memory-probe.js in a child process with --expose-gc so the heap is
 * measured after full collections.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const probe = fileURLToPath(new URL("./memory-probe.js", import.meta.url));

describe("memory", () => {
  it("a 10,000-step training loop keeps the heap flat and frees storage", () => {
    const r = spawnSync(process.execPath, ["--expose-gc", probe, "10000"], {
      encoding: "utf8",
      timeout: 240_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const { warm, end, losses, afterDispose, freed } = JSON.parse(
      r.stdout.trim().split("\n").pop()!,
    );
    // Graphs, saved tensors and gradients of 9,000 steps must not accumulate:
    // allow 2 MB of noise (one step's graph is a few KB; a leak would be tens of MB).
    assert.ok(
      end - warm < 2 * 1024 * 1024,
      `heap grew by ${((end - warm) / 1024).toFixed(0)} KB after warm-up`,
    );
    assert.ok(losses[losses.length - 1] < losses[0] * 1e-3, `the loop trains: ${losses}`);
    assert.equal(afterDispose, 1, "dispose() frees at once");
    assert.equal(freed, 101, "every collected tensor's storage is freed");
  });
});
