/**
 * A notebook outside the lectern package (a course folder with no
 * node_modules) still imports `lectern` and its exported subpaths, both in
 * the type checker and at run time: they resolve from the kernel's own
 * package. Regression test for "Cannot find package 'lectern'".
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { resultText, startTestKernel, type TestKernel } from "../kernel/harness.js";

describe("a notebook outside the lectern package", { timeout: 120000 }, () => {
  let dir: string;
  let k: TestKernel;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lectern-course-"));
    k = await startTestKernel({ cwd: dir });
  });
  after(async () => {
    await k.client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports lectern and lectern/grade (type-checked)", async () => {
    const root = await k.client.execute('import * as L from "lectern";\ntypeof L.tensor');
    assert.equal(root.status, "ok", JSON.stringify(root.error));
    assert.equal(resultText(root.outputs), "'function'");
    const sub = await k.client.execute('import * as G from "lectern/grade";\ntypeof G');
    assert.equal(sub.status, "ok", JSON.stringify(sub.error));
    assert.equal(resultText(sub.outputs), "'object'");
  });
});
