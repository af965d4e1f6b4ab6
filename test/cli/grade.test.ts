import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../cli/command.js";
import { parseGradeArgs } from "../../cli/grade.js";
import { formatNotebook } from "../../grade/notebook.js";
import { sourceNotebook } from "../grade/build.js";

const bin = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));

describe("lectern grade CLI", () => {
  it("parses autograde options", () => {
    const a = parseGradeArgs([
      "autograde",
      "src.ipynb",
      "subs",
      "-o",
      "out",
      "--jobs",
      "3",
      "--force",
      "--cell-timeout=5",
      "--timeout",
      "60",
      "--memory",
      "512",
    ]);
    assert.deepEqual(a, {
      action: "autograde",
      positional: ["src.ipynb", "subs"],
      out: "out",
      force: true,
      jobs: 3,
      cellTimeoutMs: 5000,
      notebookTimeoutMs: 60000,
      memoryMb: 512,
    });
  });

  it("rejects bad arguments with a usage error", () => {
    const bad: [string[], RegExp][] = [
      [[], /missing action/],
      [["publish"], /unknown action "publish"/],
      [["release", "a.ipynb"], /missing -o/],
      [["release", "a.ipynb", "b.ipynb", "-o", "x"], /one source notebook/],
      [["autograde", "a.ipynb", "-o", "x"], /source notebook and the submissions folder/],
      [
        ["autograde", "a", "b", "-o", "x", "--jobs", "0"],
        /--jobs needs a positive number, got "0"/,
      ],
      [["autograde", "a", "b", "-o", "x", "--frobnicate"], /unknown option --frobnicate/],
      [["release", "a", "-o"], /-o needs a folder/],
    ];
    for (const [args, message] of bad) {
      assert.throws(
        () => parseGradeArgs(args),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
        args.join(" "),
      );
    }
  });

  it("releases a notebook from the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-cli-grade-"));
    try {
      writeFileSync(join(dir, "hw.ipynb"), formatNotebook(sourceNotebook()));
      const r = spawnSync(
        process.execPath,
        [bin, "grade", "release", join(dir, "hw.ipynb"), "-o", join(dir, "release")],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 0, r.stderr);
      const released = readFileSync(join(dir, "release", "hw.ipynb"), "utf8");
      assert.match(released, /not implemented/);
      assert.doesNotMatch(released, /square\(-3\)|x \* x/);
      const usage = spawnSync(process.execPath, [bin, "grade", "release"], { encoding: "utf8" });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /release takes one source notebook/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
