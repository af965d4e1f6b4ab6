import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { autograde } from "../grade/autograde.js";
import { readNotebook, writeNotebook } from "../grade/notebook.js";
import { release } from "../grade/release.js";
import { DEFAULT_LIMITS } from "../grade/sandbox.js";
import { type Command, UsageError } from "./command.js";

export interface GradeArgs {
  action: "release" | "autograde";
  positional: string[];
  out: string;
  force: boolean;
  jobs: number;
  cellTimeoutMs: number;
  notebookTimeoutMs: number;
  memoryMb: number;
}

function positiveNumber(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `${flag} needs a positive number, got ${value === undefined ? "nothing" : JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Parses `lectern grade` arguments; throws UsageError on anything it does
 * not understand.
 *
 * @example
 * parseGradeArgs(["autograde", "src.ipynb", "subs/", "-o", "out/", "--jobs", "2"]);
 */
export function parseGradeArgs(args: string[]): GradeArgs {
  const [action, ...rest] = args;
  if (action !== "release" && action !== "autograde") {
    throw new UsageError(
      action === undefined ? "missing action: release or autograde" : `unknown action "${action}"`,
    );
  }
  const parsed: GradeArgs = {
    action,
    positional: [],
    out: "",
    force: false,
    jobs: 1,
    cellTimeoutMs: DEFAULT_LIMITS.cellTimeoutMs,
    notebookTimeoutMs: DEFAULT_LIMITS.notebookTimeoutMs,
    memoryMb: DEFAULT_LIMITS.memoryMb,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => inline ?? rest[++i];
    switch (flag) {
      case "-o":
      case "--out": {
        const v = value();
        if (v === undefined) throw new UsageError(`${flag} needs a folder`);
        parsed.out = v;
        break;
      }
      case "--force":
        parsed.force = true;
        break;
      case "-j":
      case "--jobs": {
        const v = value();
        parsed.jobs = v === "auto" ? availableParallelism() : Math.floor(positiveNumber(flag, v));
        break;
      }
      case "--cell-timeout":
        parsed.cellTimeoutMs = positiveNumber(flag, value()) * 1000;
        break;
      case "--timeout":
        parsed.notebookTimeoutMs = positiveNumber(flag, value()) * 1000;
        break;
      case "--memory":
        parsed.memoryMb = Math.floor(positiveNumber(flag, value()));
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
        parsed.positional.push(arg);
    }
  }
  const want = action === "release" ? 1 : 2;
  if (parsed.positional.length !== want) {
    throw new UsageError(
      action === "release"
        ? "release takes one source notebook"
        : "autograde takes the source notebook and the submissions folder",
    );
  }
  if (parsed.out === "") throw new UsageError("missing -o OUT_DIR");
  return parsed;
}

export const grade: Command = {
  name: "grade",
  summary: "release and autograde nbgrader-format assignment notebooks",
  usage: `Usage: lectern grade release SOURCE.ipynb -o RELEASE_DIR
       lectern grade autograde SOURCE.ipynb SUBMISSIONS/ -o GRADED/ [options]

  release     write the student version: solutions replaced by a stub that
              throws, hidden tests removed, checksums of locked cells recorded
  autograde   grade SUBMISSIONS/STUDENT/SOURCE-NAME.ipynb for every student
              through the kernel, in a sandbox (no network, file system
              limited to a scratch copy of the student's folder, memory and
              time limits). SOURCE.ipynb is the instructor's version: hidden
              tests and locked cells are restored from it. Writes
              GRADED/gradebook.csv, gradebook.json and per student the
              annotated notebook and NAME.html feedback; prints a summary.

Options (autograde):
  -o, --out DIR        output folder (required)
  -j, --jobs N|auto    submissions graded in parallel (default 1)
  --force              regrade submissions already graded (default: resume)
  --cell-timeout S     seconds per cell (default ${DEFAULT_LIMITS.cellTimeoutMs / 1000})
  --timeout S          seconds per notebook (default ${DEFAULT_LIMITS.notebookTimeoutMs / 1000})
  --memory MB          kernel heap limit in MiB (default ${DEFAULT_LIMITS.memoryMb})
  -h, --help           show this help

Environment: LECTERN_QUICK is passed to the kernels; LECTERN_GRADE_ISOLATION=none
turns the namespace sandbox off (the permission model stays on).`,
  async run(args) {
    const parsed = parseGradeArgs(args);
    if (parsed.action === "release") {
      const src = parsed.positional[0]!;
      mkdirSync(parsed.out, { recursive: true });
      const target = join(parsed.out, basename(src));
      writeNotebook(target, release(readNotebook(src), basename(src)));
      console.log(`released ${src} → ${target}`);
      return 0;
    }
    const [source, submissions] = parsed.positional as [string, string];
    const env: Record<string, string> = {};
    if (process.env.LECTERN_QUICK !== undefined) env.LECTERN_QUICK = process.env.LECTERN_QUICK;
    const report = await autograde(source, submissions, parsed.out, {
      jobs: parsed.jobs,
      force: parsed.force,
      env,
      limits: {
        cellTimeoutMs: parsed.cellTimeoutMs,
        notebookTimeoutMs: parsed.notebookTimeoutMs,
        memoryMb: parsed.memoryMb,
      },
      onResult(r, skipped) {
        console.log(
          `${skipped ? "kept  " : "graded"} ${r.student}: ${r.score} / ${r.maxScore}${r.issues.length ? ` (${r.issues.length} issue${r.issues.length === 1 ? "" : "s"})` : ""}`,
        );
      },
    });
    if (report.isolation.network === "none") {
      console.error(
        `lectern grade: warning: network and process isolation is off: ${report.isolation.reason}`,
      );
    }
    console.log(
      `\n${report.summary}\n\nwrote ${join(parsed.out, "gradebook.csv")} and gradebook.json`,
    );
    return 0;
  },
};
