import type { CellStatus } from "./score.js";

/** One graded cell of one student's notebook: a row of the gradebook. */
export interface GradebookRow {
  student: string;
  notebook: string;
  /** The cell's grade_id. */
  cell: string;
  /** Points earned; null while a cell waits for manual grading. */
  points: number | null;
  maxPoints: number;
  status: CellStatus;
  /** The failing test's message, or why the cell scored zero. */
  error: string;
  /** The student changed this locked cell (it was restored before grading). */
  tampered: boolean;
}

/** Everything autograde learned about one submission (also its resume record). */
export interface SubmissionResult {
  student: string;
  notebook: string;
  /** sha256 of the source notebook and of the submitted file, to know when to regrade. */
  sourceHash: string;
  submissionHash: string;
  rows: GradebookRow[];
  /** Tampering, deleted cells, kernel crashes, limits hit: one readable line each. */
  issues: string[];
  score: number;
  maxScore: number;
  durationMs: number;
}

export const CSV_COLUMNS = [
  "student",
  "notebook",
  "cell",
  "points",
  "maxPoints",
  "status",
  "error",
  "tampered",
] as const;

/**
 * Quotes a CSV field (RFC 4180). Fields a spreadsheet would read as a formula
 * (`=`, `+`, `-`, `@` first) get a leading `'`: error messages and student
 * names come from untrusted submissions (CSV injection).
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The gradebook as CSV, one row per graded cell, sorted by student, notebook
 * and cell order.
 *
 * @example
 * writeFileSync("graded/gradebook.csv", gradebookCsv(results));
 */
export function gradebookCsv(results: readonly SubmissionResult[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const row of sortedRows(results)) {
    lines.push(CSV_COLUMNS.map((key) => csvField(row[key])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The gradebook as JSON: the rows plus per-submission totals and issues.
 *
 * @example
 * writeFileSync("graded/gradebook.json", gradebookJson(results));
 */
export function gradebookJson(results: readonly SubmissionResult[]): string {
  const submissions = sortedResults(results).map((r) => ({
    student: r.student,
    notebook: r.notebook,
    score: r.score,
    maxScore: r.maxScore,
    issues: r.issues,
  }));
  return `${JSON.stringify({ rows: sortedRows(results), submissions }, null, 2)}\n`;
}

function sortedResults(results: readonly SubmissionResult[]): SubmissionResult[] {
  return [...results].sort(
    (a, b) => a.student.localeCompare(b.student) || a.notebook.localeCompare(b.notebook),
  );
}

function sortedRows(results: readonly SubmissionResult[]): GradebookRow[] {
  return sortedResults(results).flatMap((r) => r.rows);
}

/** Total of the earned points (manual cells count 0 until graded). */
export function totals(rows: readonly GradebookRow[]): { score: number; maxScore: number } {
  let score = 0;
  let maxScore = 0;
  for (const row of rows) {
    score += row.points ?? 0;
    maxScore += row.maxPoints;
  }
  return { score: round(score), maxScore: round(maxScore) };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A text summary: per notebook, the number of submissions, mean and median,
 * and a histogram of scores in tenths of the maximum.
 *
 * @example
 * console.log(summary(results));
 * // hw1.ipynb: 4 submissions, max 10 points, mean 6.25, median 7
 * //     0-10% | ##  1
 * //   ...
 */
export function summary(results: readonly SubmissionResult[]): string {
  const byNotebook = new Map<string, SubmissionResult[]>();
  for (const r of results) {
    if (!byNotebook.has(r.notebook)) byNotebook.set(r.notebook, []);
    byNotebook.get(r.notebook)!.push(r);
  }
  const blocks: string[] = [];
  for (const [notebook, group] of [...byNotebook.entries()].sort()) {
    const max = Math.max(...group.map((r) => r.maxScore));
    const scores = group.map((r) => r.score).sort((a, b) => a - b);
    const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
    const mid = scores.length >> 1;
    const median = scores.length % 2 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2;
    const counts = new Array<number>(10).fill(0);
    for (const s of scores) counts[max > 0 ? Math.min(9, Math.floor((s / max) * 10)) : 9]!++;
    const widest = Math.max(...counts, 1);
    const bars = counts.map((n, i) => {
      const label = `${i * 10}-${i === 9 ? 100 : (i + 1) * 10}%`.padStart(8);
      const bar = "#".repeat(Math.round((n / widest) * 30));
      return `  ${label} | ${bar.padEnd(30)} ${n}`;
    });
    const issues = group.filter((r) => r.issues.length > 0).length;
    blocks.push(
      [
        `${notebook}: ${group.length} submission${group.length === 1 ? "" : "s"}, max ${round(max)} points, mean ${round(mean)}, median ${round(median)}` +
          (issues > 0 ? `, ${issues} with issues (see gradebook.json)` : ""),
        ...bars,
      ].join("\n"),
    );
  }
  return blocks.join("\n\n");
}
