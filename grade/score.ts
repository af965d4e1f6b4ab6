import { PARTIAL_CREDIT_MIME } from "./asserts.js";
import { computeChecksum } from "./checksum.js";
import { isGrade, isSolution, isTask, maxPoints } from "./metadata.js";
import type { Cell, Output } from "./notebook.js";

/**
 * How one grade cell ended:
 * - `passed`, `failed`, `partial`: the test cell ran; full, zero or partial points.
 * - `timeout`: the cell ran past its time limit and was stopped (zero).
 * - `crashed`: the kernel died while it ran, e.g. out of memory (zero).
 * - `not-run`: the notebook's time limit or a kernel that would not restart
 *   left it unexecuted (zero).
 * - `unanswered`: a graded answer cell left as released (zero, as nbgrader).
 * - `manual`: needs a human (markdown answers, tasks); points are null.
 */
export type CellStatus =
  | "passed"
  | "failed"
  | "partial"
  | "timeout"
  | "crashed"
  | "not-run"
  | "unanswered"
  | "manual";

/** What the runner tells about one cell's execution. */
export type Execution = "ok" | "error" | "timeout" | "crashed" | "not-run";

export interface CellScore {
  points: number | null;
  maxPoints: number;
  status: CellStatus;
  /** The failing test's message (ename: evalue), empty when it passed. */
  error: string;
}

/** `ename: evalue` of the first error output, else "". */
export function errorMessage(outputs: readonly Output[]): string {
  const err = outputs.find((o) => o.output_type === "error");
  if (err === undefined) return "";
  return `${err.ename ?? "Error"}: ${err.evalue ?? ""}`.trim();
}

/**
 * Scores a grade cell after execution with nbgrader's rules
 * (`nbgrader.utils.determine_grade`): a code test cell earns its points when
 * it runs without an error output and zero otherwise; a graded answer cell
 * whose checksum still equals the released one was not answered (zero);
 * other answer and markdown cells are left for manual grading. Partial credit
 * is explicit only: a `partialCredit(points)` display in the test cell (where
 * nbgrader reads any numeric execute_result, which in TypeScript a stray
 * `x = 1;` would produce).
 *
 * @example
 * scoreCell(cell, "ok"); // { points: 2, maxPoints: 2, status: "passed", error: "" }
 */
export function scoreCell(cell: Cell, execution: Execution, releasedChecksum?: string): CellScore {
  const max = maxPoints(cell);
  if (!isGrade(cell) && !isTask(cell)) {
    throw new Error(`scoreCell: cell ${cell.id} is not a grade or task cell`);
  }
  if (isTask(cell)) return { points: null, maxPoints: max, status: "manual", error: "" };
  if (isSolution(cell)) {
    if (releasedChecksum !== undefined && computeChecksum(cell) === releasedChecksum) {
      return { points: 0, maxPoints: max, status: "unanswered", error: "answer left as released" };
    }
    return { points: null, maxPoints: max, status: "manual", error: "" };
  }
  if (cell.cell_type !== "code")
    return { points: null, maxPoints: max, status: "manual", error: "" };
  const outputs = cell.outputs ?? [];
  const error = errorMessage(outputs);
  if (execution === "timeout" || execution === "crashed" || execution === "not-run") {
    return { points: 0, maxPoints: max, status: execution, error };
  }
  if (execution === "error" || error !== "") {
    return {
      points: 0,
      maxPoints: max,
      status: "failed",
      error: error || "the cell raised an error",
    };
  }
  for (const output of outputs) {
    const credit = output.data?.[PARTIAL_CREDIT_MIME] as { points?: unknown } | undefined;
    if (credit === undefined) continue;
    const points = Number(credit.points);
    if (!Number.isFinite(points)) continue;
    const capped = Math.min(max, Math.max(0, points));
    return {
      points: capped,
      maxPoints: max,
      status: capped === max ? "passed" : "partial",
      error: capped === max ? "" : `partial credit: ${capped} of ${max} points`,
    };
  }
  return { points: max, maxPoints: max, status: "passed", error: "" };
}
