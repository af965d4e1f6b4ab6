/** `lectern run` and `lectern install`: notebooks executed through the real kernel process. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));

function lectern(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function notebook(...sources: (string | string[])[]) {
  return {
    nbformat: 4,
    nbformat_minor: 2,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Title\n", "text"] },
      ...sources.map((source) => ({
        cell_type: "code",
        metadata: {},
        execution_count: null,
        outputs: [],
        source,
      })),
    ],
  };
}

describe("lectern run", { timeout: 180000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lectern-run-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes an nbformat 4.5 notebook with outputs and cell ids", () => {
    const input = join(dir, "ok.ipynb");
    writeFileSync(
      input,
      JSON.stringify(notebook("const a = 2;\nconsole.log('a is', a)", ["a * ", "21"])),
    );
    const r = lectern(["run", input, "-o", join(dir, "ok.out.ipynb")], dir);
    assert.equal(r.code, 0, r.stderr);
    const nb = JSON.parse(readFileSync(join(dir, "ok.out.ipynb"), "utf8"));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.nbformat_minor, 5);
    assert.equal(nb.metadata.kernelspec.name, "lectern");
    assert.equal(nb.metadata.language_info.name, "typescript");
    for (const cell of nb.cells) assert.match(cell.id, /^[a-zA-Z0-9-_]{1,64}$/);
    assert.equal(new Set(nb.cells.map((c: { id: string }) => c.id)).size, nb.cells.length);
    assert.deepEqual(nb.cells[1].outputs, [
      { output_type: "stream", name: "stdout", text: "a is 2\n" },
    ]);
    assert.equal(nb.cells[2].outputs[0].data["text/plain"], "42");
    assert.equal(nb.cells[2].execution_count, 2);
    assert.deepEqual(
      JSON.parse(readFileSync(input, "utf8")).cells[1].outputs,
      [],
      "the input is untouched with -o",
    );
  });

  it("fails with the failing cell shown, and --allow-errors goes on", () => {
    const input = join(dir, "bad.ipynb");
    writeFileSync(
      input,
      JSON.stringify(notebook("1", "throw new Error('cell two broke')", "'after'")),
    );
    const r = lectern(["run", input, "-o", join(dir, "bad.out.ipynb")], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cell 3 of .*bad\.ipynb failed/);
    assert.match(r.stderr, /cell two broke/);
    const nb = JSON.parse(readFileSync(join(dir, "bad.out.ipynb"), "utf8"));
    assert.equal(nb.cells[2].outputs[0].output_type, "error");
    assert.deepEqual(nb.cells[3].outputs, [], "cells after the failure are not run");

    const r2 = lectern(["run", input, "-o", join(dir, "bad2.out.ipynb"), "--allow-errors"], dir);
    assert.equal(r2.code, 0, r2.stderr);
    const nb2 = JSON.parse(readFileSync(join(dir, "bad2.out.ipynb"), "utf8"));
    assert.equal(nb2.cells[3].outputs[0].data["text/plain"], "'after'");
  });

  it("stops a cell at --timeout", () => {
    const input = join(dir, "slow.ipynb");
    writeFileSync(input, JSON.stringify(notebook("while (true) {}")));
    const t0 = Date.now();
    const r = lectern(["run", input, "-o", join(dir, "slow.out.ipynb"), "--timeout", "1"], dir);
    assert.equal(r.code, 1);
    assert.ok(Date.now() - t0 < 30_000);
    const nb = JSON.parse(readFileSync(join(dir, "slow.out.ipynb"), "utf8"));
    assert.equal(nb.cells[1].outputs.at(-1).output_type, "error");
  });

  it("rejects a file that is not a notebook", () => {
    const input = join(dir, "not.ipynb");
    writeFileSync(input, "{ nope");
    const r = lectern(["run", input], dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not JSON/);
  });
});

describe("lectern install", { timeout: 180000 }, () => {
  it("writes kernel.json and the logos under --prefix", () => {
    const prefix = mkdtempSync(join(tmpdir(), "lectern-prefix-"));
    try {
      const r = lectern(["install", "--prefix", prefix], prefix);
      assert.equal(r.code, 0, r.stderr);
      const dir = join(prefix, "share", "jupyter", "kernels", "lectern");
      const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
      assert.equal(spec.display_name, "TypeScript (lectern)");
      assert.equal(spec.language, "typescript");
      assert.equal(spec.interrupt_mode, "message");
      assert.deepEqual(spec.argv.slice(-3), ["kernel", "-f", "{connection_file}"]);
      assert.ok(existsSync(spec.argv[1]), "argv points at the built CLI");
      for (const logo of ["logo-32x32.png", "logo-64x64.png"])
        assert.ok(statSync(join(dir, logo)).size > 100);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it("--user honours JUPYTER_DATA_DIR", () => {
    const data = mkdtempSync(join(tmpdir(), "lectern-data-"));
    try {
      const r = spawnSync(process.execPath, [bin, "install", "--user"], {
        encoding: "utf8",
        env: { ...process.env, JUPYTER_DATA_DIR: data },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(join(data, "kernels", "lectern", "kernel.json")));
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
