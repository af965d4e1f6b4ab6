import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValueError } from "../tensor/errors.js";
import { annotateNotebook, concealHiddenTests, feedbackHtml } from "./feedback.js";
import {
  type GradebookRow,
  gradebookCsv,
  gradebookJson,
  type SubmissionResult,
  summary,
  totals,
} from "./gradebook.js";
import { gradeId, isGrade, isTask } from "./metadata.js";
import { formatNotebook, type Notebook, parseNotebook, writeNotebook } from "./notebook.js";
import { type LockedCell, lockedCells } from "./release.js";
import { restoreSubmission } from "./restore.js";
import type { RunProgress } from "./runner.js";
import { DEFAULT_LIMITS, type Isolation, type Limits, probeIsolation } from "./sandbox.js";
import { scoreCell } from "./score.js";
import type { WorkerJob } from "./worker.js";

export interface AutogradeOptions {
  /** Submissions graded at once (default: 1). */
  jobs?: number;
  /** Regrade submissions that already have a result. */
  force?: boolean;
  limits?: Partial<Limits>;
  /** Extra environment for the kernels (e.g. { LECTERN_QUICK: "1" }). */
  env?: Record<string, string>;
  /** Called as each submission finishes (or is skipped). */
  onResult?: (result: SubmissionResult, skipped: boolean) => void;
}

export interface AutogradeReport {
  results: SubmissionResult[];
  /** Students whose earlier result was reused (resume). */
  skipped: string[];
  isolation: Isolation;
  summary: string;
}

/** Most bytes copied from one submission folder into its scratch copy. */
const MAX_SUBMISSION_BYTES = 200 * 1024 * 1024;

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Grades every submission in `submissionsDir` (one folder per student,
 * holding a notebook named like the source, as nbgrader's
 * `submitted/STUDENT/ASSIGNMENT/` layout) against the instructor's source
 * notebook, writing to `outDir`: `gradebook.csv`, `gradebook.json`, and per
 * student `STUDENT/NAME.ipynb` (annotated) and `STUDENT/NAME.html`, the
 * feedback to hand back (hidden tests concealed),
 * and `STUDENT/NAME.result.json` (the resume record: a submission whose
 * source and file hashes match it is not graded again unless `force`).
 *
 * @example
 * const report = await autograde("source/hw1.ipynb", "submitted/", "graded/", { jobs: 2 });
 * console.log(report.summary);
 */
export async function autograde(
  sourcePath: string,
  submissionsDir: string,
  outDir: string,
  options: AutogradeOptions = {},
): Promise<AutogradeReport> {
  const sourceText = readFileSync(sourcePath, "utf8");
  const name = basename(sourcePath);
  const source = parseNotebook(sourceText, name);
  const locked = lockedCells(source, name);
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const isolation = probeIsolation(limits);
  if (!existsSync(submissionsDir) || !lstatSync(submissionsDir).isDirectory()) {
    throw new ValueError(`autograde: submissions folder ${submissionsDir} does not exist`);
  }
  const students = readdirSync(submissionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  mkdirSync(outDir, { recursive: true });
  const sourceHash = sha256(sourceText);
  const results: SubmissionResult[] = [];
  const skipped: string[] = [];
  const queue = [...students];
  const work = async () => {
    for (let student = queue.shift(); student !== undefined; student = queue.shift()) {
      const dir = join(submissionsDir, student);
      const file = findNotebook(dir, name);
      const submissionText = file === undefined ? "" : readFileSync(file, "utf8");
      const resultPath = join(outDir, student, `${stem(name)}.result.json`);
      const previous = readResult(resultPath);
      if (
        !options.force &&
        previous !== undefined &&
        previous.sourceHash === sourceHash &&
        previous.submissionHash === sha256(submissionText)
      ) {
        results.push(previous);
        skipped.push(student);
        options.onResult?.(previous, true);
        continue;
      }
      const result = await gradeSubmission({
        student,
        name,
        dir,
        submissionText,
        file,
        locked,
        sourceHash,
        limits,
        isolation,
        outDir,
        env: options.env ?? {},
      });
      results.push(result);
      options.onResult?.(result, false);
    }
  };
  // Workers run in their own process groups (so a hard kill takes their
  // kernels too), which a Ctrl-C in the terminal does not reach: end them
  // here, then let the signal do what it would have done. Results written so
  // far are kept and the next run resumes from them.
  const interrupted = (signal: NodeJS.Signals) => {
    for (const pid of liveWorkers) killGroup(pid);
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, work));
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  writeFileSync(join(outDir, "gradebook.csv"), gradebookCsv(results));
  writeFileSync(join(outDir, "gradebook.json"), gradebookJson(results));
  return { results, skipped, isolation, summary: summary(results) };
}

function stem(name: string): string {
  return name.replace(/\.ipynb$/, "");
}

function findNotebook(dir: string, name: string): string | undefined {
  const exact = join(dir, name);
  if (existsSync(exact) && lstatSync(exact).isFile()) return exact;
  const notebooks = readdirSync(dir).filter(
    (f) => f.endsWith(".ipynb") && lstatSync(join(dir, f)).isFile(),
  );
  return notebooks.length === 1 ? join(dir, notebooks[0]!) : undefined;
}

function readResult(path: string): SubmissionResult | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SubmissionResult;
  } catch {
    return undefined;
  }
}

/**
 * Copies regular files and folders only: a symlink in a submission could
 * point at another student's work or the grader's files, and a copy that
 * followed it would hand those to the kernel.
 */
function copySubmission(from: string, to: string, budget = { bytes: MAX_SUBMISSION_BYTES }): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) copySubmission(src, dst, budget);
    else if (entry.isFile()) {
      budget.bytes -= lstatSync(src).size;
      if (budget.bytes < 0)
        throw new ValueError(`submission folder is larger than ${MAX_SUBMISSION_BYTES} bytes`);
      copyFileSync(src, dst);
    }
  }
}

interface Submission {
  student: string;
  name: string;
  dir: string;
  file: string | undefined;
  submissionText: string;
  locked: Map<string, LockedCell>;
  sourceHash: string;
  limits: Limits;
  isolation: Isolation;
  outDir: string;
  env: Record<string, string>;
}

function gradedRows(
  s: Submission,
  executed: Notebook,
  progress: RunProgress | undefined,
  tampered: Set<string>,
): GradebookRow[] {
  const rows: GradebookRow[] = [];
  for (const cell of executed.cells) {
    if (!isGrade(cell) && !isTask(cell)) continue;
    const id = gradeId(cell);
    let execution = progress?.executions[cell.id] ?? "not-run";
    if (progress?.running === cell.id) execution = "crashed";
    const score = scoreCell(cell, execution, s.locked.get(id)?.releasedChecksum);
    rows.push({
      student: s.student,
      notebook: s.name,
      cell: id,
      ...score,
      tampered: tampered.has(id),
    });
  }
  return rows;
}

async function gradeSubmission(s: Submission): Promise<SubmissionResult> {
  const started = Date.now();
  const studentOut = join(s.outDir, s.student);
  mkdirSync(studentOut, { recursive: true });
  const base = {
    student: s.student,
    notebook: s.name,
    sourceHash: s.sourceHash,
    submissionHash: sha256(s.submissionText),
  };
  let submission: Notebook;
  try {
    if (s.file === undefined) throw new ValueError(`no notebook named ${s.name} in the submission`);
    submission = parseNotebook(s.submissionText, s.name);
  } catch (err) {
    // Nothing to run: every grade cell scores zero, with the reason.
    const issue = err instanceof Error ? err.message : String(err);
    const rows: GradebookRow[] = [...s.locked.values()]
      .filter((l) => isGrade(l.cell) || isTask(l.cell))
      .map((l) => ({
        student: s.student,
        notebook: s.name,
        cell: gradeId(l.cell),
        points: 0,
        maxPoints: l.cell.metadata.nbgrader?.points ?? 0,
        status: "not-run" as const,
        error: issue,
        tampered: false,
      }));
    const result = {
      ...base,
      rows,
      issues: [issue],
      ...totals(rows),
      durationMs: Date.now() - started,
    };
    writeFileSync(join(studentOut, `${stem(s.name)}.result.json`), JSON.stringify(result, null, 2));
    return result;
  }
  const restored = restoreSubmission(s.locked, submission);
  const root = mkdtempSync(join(tmpdir(), "lectern-grade-"));
  const scratch = join(root, "work");
  const job: WorkerJob = {
    scratch,
    connectionDir: join(root, "connection"),
    notebookPath: join(root, "restored.ipynb"),
    progressPath: join(root, "progress.json"),
    limits: s.limits,
    bringUpLoopback: s.isolation.network === "namespace",
    env: s.env,
  };
  const issues = [...restored.issues];
  let progress: RunProgress | undefined;
  try {
    copySubmission(s.dir, scratch);
    writeFileSync(job.notebookPath, JSON.stringify(restored.notebook));
    writeFileSync(join(root, "job.json"), JSON.stringify(job));
    const { exit, log } = await runWorker(join(root, "job.json"), s.isolation, s.limits);
    progress = readProgress(job.progressPath);
    if (exit !== 0) {
      issues.push(
        exit === "killed"
          ? "the grading worker ran past the notebook's time limit and was killed"
          : `the grading worker exited with ${exit}`,
      );
    }
    if (progress !== undefined) issues.push(...progress.issues);
    if ((exit !== 0 || (progress?.issues.length ?? 0) > 0) && log.trim() !== "") {
      issues.push(`kernel log (last 2000 characters): ${log.trim().slice(-2000)}`);
    }
  } catch (err) {
    issues.push(`grading failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const executed = progress?.notebook ?? restored.notebook;
  const rows = gradedRows(s, executed, progress, restored.tampered);
  const result: SubmissionResult = {
    ...base,
    rows,
    issues,
    ...totals(rows),
    durationMs: Date.now() - started,
  };
  const shown = concealHiddenTests(executed, s.locked);
  writeNotebook(join(studentOut, s.name), annotateNotebook(result, shown));
  writeFileSync(join(studentOut, `${stem(s.name)}.html`), feedbackHtml(result, shown));
  writeFileSync(join(studentOut, `${stem(s.name)}.result.json`), JSON.stringify(result, null, 2));
  return result;
}

function readProgress(path: string): RunProgress | undefined {
  try {
    const progress = JSON.parse(readFileSync(path, "utf8")) as RunProgress;
    // Re-parse so the notebook is normalised whatever the worker wrote.
    progress.notebook = parseNotebook(formatNotebook(progress.notebook));
    return progress;
  } catch {
    return undefined;
  }
}

/** Process group ids of the workers running now. */
const liveWorkers = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

/**
 * Runs the worker inside the sandbox; resolves to its exit code ("killed"
 * past the hard deadline) and its stderr, which carries the kernel's log.
 */
function runWorker(
  jobPath: string,
  isolation: Isolation,
  limits: Limits,
): Promise<{ exit: number | "killed"; log: string }> {
  const worker = fileURLToPath(new URL("./worker.js", import.meta.url));
  const argv = [...isolation.prefix, process.execPath, worker, jobPath];
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" },
    });
    liveWorkers.add(child.pid!);
    let log = "";
    child.stderr.on("data", (chunk: Buffer) => {
      // Keep the start and the end of a log a submission may flood.
      const text = log + chunk.toString();
      log = text.length <= 20_000 ? text : text.slice(0, 10_000) + text.slice(-10_000);
    });
    // The worker enforces the notebook limit itself; this is the backstop
    // for a worker that cannot (a kernel that ignores interrupts and restarts).
    const grace = 30_000 + limits.cellTimeoutMs;
    let killed = false;
    const timer = setTimeout(() => {
      killGroup(child.pid!);
      killed = true;
    }, limits.notebookTimeoutMs + grace);
    // "exit", not "close": a kernel left behind by a killed worker would hold
    // the stderr pipe open until the hard deadline.
    child.on("exit", (code) => {
      clearTimeout(timer);
      // Without a PID namespace that kernel would live on in the worker's
      // process group; end whatever is left of it.
      killGroup(child.pid!);
      liveWorkers.delete(child.pid!);
      done({ exit: killed ? "killed" : (code ?? 1), log });
    });
  });
}
