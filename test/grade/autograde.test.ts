import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type AutogradeReport, autograde } from "../../grade/autograde.js";
import type { SubmissionResult } from "../../grade/gradebook.js";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/grade/toy/", import.meta.url));
const source = join(fixtures, "source", "toy.ipynb");
const bin = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));

/** Expected totals (of 7) and per-cell statuses; see test/fixtures/grade/README.md. */
const expected: Record<string, { score: number; statuses: string[] }> = {
  alice: { score: 7, statuses: ["passed", "passed", "passed"] },
  bob: { score: 3, statuses: ["passed", "failed", "partial"] },
  carol: { score: 0, statuses: ["not-run", "not-run", "not-run"] },
  dave: { score: 3, statuses: ["failed", "passed", "failed"] },
  erin: { score: 7, statuses: ["passed", "passed", "passed"] },
  "mallory-files": { score: 7, statuses: ["passed", "passed", "passed"] },
  // Without namespaces (no unshare) its SIGKILL of the worker ends the run after test_square.
  "mallory-net": { score: 7, statuses: ["passed", "passed", "passed"] },
  // test_partial calls the looping square again: it times out, or, when the
  // kernel had to be restarted to stop the first loop, square is gone.
  "mallory-loop": { score: 3, statuses: ["timeout", "passed", "timeout|failed"] },
  "mallory-oom": { score: 2, statuses: ["passed", "failed", "failed"] },
};

/** The printed output of the cell with this id in a graded notebook. */
function cellText(student: string, out: string, id: string): string {
  const nb = JSON.parse(readFileSync(join(out, student, "toy.ipynb"), "utf8"));
  const cell = nb.cells.find((c: any) => c.id === id);
  return (cell?.outputs ?? [])
    .map((o: any) => [o.text ?? "", o.evalue ?? ""].flat().join(""))
    .join("");
}

describe("grade autograde (through the real kernel, sandboxed)", () => {
  let dir: string;
  let submissions: string;
  let out: string;
  let report: AutogradeReport;
  const byStudent = new Map<string, SubmissionResult>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lectern-autograde-"));
    submissions = join(dir, "submitted");
    out = join(dir, "graded");
    cpSync(join(fixtures, "submissions"), submissions, { recursive: true });
    // The malicious notebooks name real paths on this machine: the hidden
    // tests, another student's work and the gradebook.
    const peek = join(submissions, "mallory-files", "toy.ipynb");
    // A symlink in a submission must not carry another student's work into the sandbox.
    symlinkSync(
      join(submissions, "alice", "toy.ipynb"),
      join(submissions, "mallory-files", "link-to-alice.ipynb"),
    );
    writeFileSync(
      peek,
      readFileSync(peek, "utf8")
        .replaceAll("{{SOURCE}}", source)
        .replaceAll("{{OTHER}}", join(submissions, "alice", "toy.ipynb"))
        .replaceAll("{{GRADEBOOK}}", join(out, "gradebook.csv")),
    );
    report = await autograde(source, submissions, out, {
      jobs: 2,
      limits: { cellTimeoutMs: 10_000, notebookTimeoutMs: 90_000, memoryMb: 256 },
    });
    for (const r of report.results) byStudent.set(r.student, r);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [student, expectation] of Object.entries(expected)) {
    it(`grades ${student} to ${expectation.score} of 7`, () => {
      const unconfined = student === "mallory-net" && report.isolation.network === "none";
      const want = unconfined
        ? { score: 2, statuses: ["passed", "not-run", "not-run"] }
        : expectation;
      const r = byStudent.get(student)!;
      assert.ok(r, `no result for ${student}`);
      assert.equal(
        r.score,
        want.score,
        `${student}: ${JSON.stringify(r.rows.map((row) => row.error))} issues ${JSON.stringify(r.issues)}`,
      );
      r.rows.forEach((row, i) => {
        assert.match(
          row.status,
          new RegExp(`^(${want.statuses[i]})$`),
          `${student} ${row.cell}: ${row.error}`,
        );
      });
      assert.deepEqual(
        r.rows.map((row) => row.cell),
        ["test_square", "test_mean", "test_partial"],
      );
      assert.equal(r.maxScore, 7);
    });
  }

  it("reports the failing test's message and gives partial credit", () => {
    const bob = byStudent.get("bob")!;
    assert.match(
      bob.rows[1]!.error,
      /AssertionError: expect\(\.\.\.\)\.toBeCloseTo: got 3\.33333, expected 2\.5/,
    );
    assert.deepEqual([bob.rows[2]!.points, bob.rows[2]!.maxPoints], [1, 2]);
  });

  it("detects and reports a tampered test cell, then grades the released one", () => {
    const erin = byStudent.get("erin")!;
    assert.equal(erin.rows[0]!.tampered, true);
    assert.ok(erin.issues.some((i) => /locked cell "test_square" was modified/.test(i)));
  });

  it("denies reading hidden tests and other students' work, and writing the gradebook", () => {
    const text = cellText("mallory-files", out, "peek");
    assert.match(text, /read source: ERR_ACCESS_DENIED/);
    assert.match(text, /read other student: ERR_ACCESS_DENIED/);
    assert.match(text, /read through a symlink: ENOENT/);
    assert.match(text, /overwrite gradebook: ERR_ACCESS_DENIED/);
    assert.match(text, /write own folder: ok/);
    assert.doesNotMatch(text, /LEAKED|WROTE/);
    assert.doesNotMatch(readFileSync(join(out, "gradebook.csv"), "utf8"), /1000/);
  });

  it("denies processes and the network; a worker bomb stays inside its submission", () => {
    const text = cellText("mallory-net", out, "escape");
    assert.match(text, /spawn: ERR_ACCESS_DENIED/);
    assert.doesNotMatch(text, /CONNECTED|RAN|LOADED/);
    // It found lectern's ZeroMQ addon from an error's stack; the guard refused to load it.
    assert.match(text, /native addon: refused \(No compatible zeromq\.js addon found\)/);
    assert.match(text, /native addons are disabled while grading/);
    if (report.isolation.network === "namespace") {
      assert.match(text, /connect 192\.0\.2\.1:9: (ENETUNREACH|EHOSTUNREACH|timeout)/);
      // The kernel's parent is the worker, PID 1 of the namespace: SIGKILL from inside is ignored.
      assert.match(cellText("mallory-net", out, "parricide"), /signalled parent 1\b/);
      // The bomb cell runs after every test: it may stop or crash its own kernel, never the grading.
      assert.match(
        cellText("mallory-net", out, "bomb"),
        /worker bomb stopped|workers started|kernel died|ran longer/,
      );
    }
  });

  it("stops an infinite loop at the cell limit and recovers from running out of memory", () => {
    assert.ok(byStudent.get("mallory-loop")!.issues.some((i) => /timed out/.test(i)));
    const oom = byStudent.get("mallory-oom")!;
    assert.ok(
      oom.issues.some((i) => /kernel died in cell mean/.test(i)),
      JSON.stringify(oom.issues),
    );
    assert.match(
      cellText("mallory-oom", out, "typed-bomb"),
      /typed array bomb: .*(allocation failed|Invalid typed array length)/,
    );
  });

  it("writes the gradebook, feedback and annotated notebooks", () => {
    const csv = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n");
    assert.equal(csv[0], "student,notebook,cell,points,maxPoints,status,error,tampered");
    assert.equal(csv.length, 1 + 3 * Object.keys(expected).length);
    const json = JSON.parse(readFileSync(join(out, "gradebook.json"), "utf8"));
    assert.equal(json.submissions.find((s: any) => s.student === "alice").score, 7);
    const bobHtml = readFileSync(join(out, "bob", "toy.html"), "utf8");
    assert.match(bobHtml, /toy\.ipynb: 3 \/ 7/);
    assert.match(bobHtml, /got 3\.33333, expected 2\.5/);
    // Feedback shows the released tests, never the hidden ones.
    for (const text of [bobHtml, readFileSync(join(out, "bob", "toy.ipynb"), "utf8")]) {
      assert.doesNotMatch(text, /square\(-3\)|mean\(\[1, 2, 3, 4\]\)/);
    }
    assert.ok(readdirSync(join(out, "carol")).includes("toy.result.json"));
    assert.match(report.summary, /toy\.ipynb: 9 submissions, max 7 points/);
  });

  it("resumes: a second run keeps earlier results and regrades only what changed", async () => {
    const alice = join(submissions, "alice", "toy.ipynb");
    const nb = JSON.parse(readFileSync(alice, "utf8"));
    nb.cells.find((c: any) => c.id === "mean").source = [
      "function mean(xs: number[]): number {\n",
      "  return 0;\n",
      "}",
    ];
    writeFileSync(alice, JSON.stringify(nb));
    const again = await autograde(source, submissions, out, {
      limits: { cellTimeoutMs: 10_000, notebookTimeoutMs: 90_000, memoryMb: 256 },
    });
    assert.deepEqual(
      again.skipped.sort(),
      Object.keys(expected)
        .filter((s) => s !== "alice")
        .sort(),
    );
    assert.equal(again.results.find((r) => r.student === "alice")!.score, 3);
    assert.equal(again.results.find((r) => r.student === "bob")!.score, 3);
  });

  it("prints a summary with a histogram from the command line", () => {
    const r = spawnSync(
      process.execPath,
      [bin, "grade", "autograde", source, submissions, "-o", out],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /kept {3}bob: 3 \/ 7/);
    assert.match(r.stdout, /90-100% \| #+ +\d/);
  });
});

describe("grade autograde interrupted", () => {
  it("leaves no worker or kernel behind after Ctrl-C, and the next run resumes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-interrupt-"));
    const submissions = join(dir, "submitted");
    const out = join(dir, "graded");
    const scratch = join(dir, "tmp");
    mkdirSync(scratch);
    try {
      for (const student of ["alice", "mallory-loop"]) {
        cpSync(join(fixtures, "submissions", student), join(submissions, student), {
          recursive: true,
        });
      }
      // TMPDIR marks every job folder, so the processes of this run can be found.
      const child = spawn(
        process.execPath,
        [bin, "grade", "autograde", source, submissions, "-o", out, "--cell-timeout", "60"],
        {
          env: { ...process.env, TMPDIR: scratch },
          stdio: "ignore",
        },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on("exit", (_code, signal) => resolve(signal)),
      );
      const aliceDone = join(out, "alice", "toy.result.json");
      for (let waited = 0; !existsSync(aliceDone) && waited < 60_000; waited += 200)
        await sleep(200);
      assert.ok(existsSync(aliceDone), "alice was graded before the interrupt");
      await sleep(1000);
      child.kill("SIGINT");
      assert.equal(await exited, "SIGINT");
      await sleep(500);
      const left = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(scratch);
          } catch {
            return false;
          }
        });
      assert.deepEqual(left, [], "processes of the interrupted run");
      assert.equal(existsSync(join(out, "mallory-loop", "toy.result.json")), false);
      const again = await autograde(source, submissions, out, {
        limits: { cellTimeoutMs: 10_000, notebookTimeoutMs: 90_000, memoryMb: 256 },
      });
      assert.deepEqual(again.skipped, ["alice"]);
      assert.equal(again.results.find((r) => r.student === "mallory-loop")!.score, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
