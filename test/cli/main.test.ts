import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));

function lectern(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("lectern CLI", () => {
  it("lists every subcommand in --help", () => {
    const r = lectern("--help");
    assert.equal(r.code, 0);
    for (const name of ["install", "run", "grade", "bench"]) {
      assert.match(r.stdout, new RegExp(`^  ${name} `, "m"));
    }
  });

  for (const name of ["install", "run", "grade", "bench"]) {
    it(`prints usage for "${name} --help"`, () => {
      const r = lectern(name, "--help");
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: lectern ${name}`, "m"));
    });
  }

  it("rejects an unknown command with exit code 2", () => {
    const r = lectern("frobnicate");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });

  it("prints the package version", () => {
    const r = lectern("--version");
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });
});
