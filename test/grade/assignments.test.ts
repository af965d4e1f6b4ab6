import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { autograde } from "../../grade/autograde.js";
import { startKernel } from "../../kernel/client.js";
import { formatNotebook, readNotebook } from "../../grade/notebook.js";
import { release } from "../../grade/release.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The course's assignments and their test submissions
 * (test/fixtures/grade/AREA/submissions/STUDENT), graded to known scores.
 */
const assignments = [
  {
    area: "mlp",
    name: "01-mlp-backprop",
    max: 8,
    expected: {
      correct: [8, ["passed", "passed", "passed", "passed"]],
      // forgets to divide by N in the cross-entropy gradient
      "partly-wrong": [3, ["passed", "passed", "failed", "failed"]],
      // a syntax error in the ReLU answer
      broken: [4, ["failed", "passed", "passed", "failed"]],
    },
  },
  {
    area: "conv",
    name: "02-conv-im2col",
    max: 9,
    expected: {
      correct: [9, ["passed", "passed", "passed", "passed"]],
      // leaves out the bias in the forward pass
      "partly-wrong": [7, ["passed", "failed", "passed", "passed"]],
      // im2col ignores padding (caught by the hidden tests of parts 1 and 3),
      // parts 2 and 4 left as released
      broken: [0, ["failed", "failed", "failed", "failed"]],
    },
  },
  {
    area: "lenet",
    name: "03-lenet",
    max: 5,
    expected: {
      correct: [5, ["passed", "passed"]],
      // one hidden layer missing: wrong parameter count, still trains
      "partly-wrong": [3, ["failed", "passed"]],
      // never calls opt.step(): the accuracy stays at chance
      broken: [2, ["passed", "failed"]],
    },
  },
] as const;

describe("course assignments", () => {
  for (const a of assignments) {
    const source = join(repo, "notebooks", "assignments", "source", `${a.name}.ipynb`);

    it(`${a.name}: the released notebook is lectern grade release of the source`, () => {
      const committed = readFileSync(
        join(repo, "notebooks", "assignments", "release", `${a.name}.ipynb`),
        "utf8",
      );
      assert.equal(committed, formatNotebook(release(readNotebook(source), `${a.name}.ipynb`)));
      assert.doesNotMatch(committed, /BEGIN SOLUTION|HIDDEN TESTS/);
    });

    it(`${a.name}: the instructor's source runs cleanly with type checking on`, {
      timeout: 300_000,
    }, async () => {
      const kernel = await startKernel({
        cwd: dirname(source),
        env: { ...process.env, LECTERN_TYPECHECK: "error", LECTERN_QUICK: "1" },
      });
      try {
        for (const cell of readNotebook(source).cells) {
          if (cell.cell_type !== "code") continue;
          const r = await kernel.execute(cell.source, { timeoutMs: 240_000 });
          assert.equal(r.status, "ok", `cell ${cell.id}: ${JSON.stringify(r.error ?? r.outputs)}`);
        }
      } finally {
        await kernel.shutdown();
      }
    });

    it(`${a.name}: grades the test submissions to known scores`, {
      timeout: 600_000,
    }, async () => {
      const out = mkdtempSync(join(tmpdir(), `lectern-${a.area}-`));
      try {
        const report = await autograde(
          source,
          join(repo, "test", "fixtures", "grade", a.area, "submissions"),
          out,
          {
            jobs: 2,
            env: { LECTERN_QUICK: "1" },
            limits: { cellTimeoutMs: 180_000, notebookTimeoutMs: 400_000, memoryMb: 1024 },
          },
        );
        const got = Object.fromEntries(
          report.results.map((r) => [r.student, [r.score, r.rows.map((row) => row.status)]]),
        );
        const errors = report.results.map(
          (r) =>
            `${r.student}: ${r.rows.map((row) => row.error).join(" | ")} ${r.issues.join(" | ")}`,
        );
        assert.deepEqual(got, a.expected, errors.join("\n"));
        for (const r of report.results) assert.equal(r.maxScore, a.max);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
