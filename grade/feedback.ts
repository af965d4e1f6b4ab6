import type { SubmissionResult } from "./gradebook.js";
import { gradeId, isGrade, isSolution } from "./metadata.js";
import { type Cell, joinSource, type Notebook, type Output } from "./notebook.js";
import type { LockedCell } from "./release.js";

/**
 * Per-student feedback. Everything a submission printed is untrusted: the
 * HTML shows only text (escaped), never the submission's own HTML or
 * scripts, so opening feedback cannot run a student's code in a grader's
 * browser.
 */

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The plain text of an output, ANSI colours removed. */
export function outputText(output: Output): string {
  let text: string;
  if (output.output_type === "stream") text = joinSource(output.text);
  else if (output.output_type === "error") {
    text = (output.traceback ?? []).join("\n") || `${output.ename}: ${output.evalue}`;
  } else text = joinSource(output.data?.["text/plain"]);
  return text.replace(ANSI, "");
}

function points(value: number | null): string {
  return value === null ? "—" : String(Math.round(value * 100) / 100);
}

/**
 * Feedback as one self-contained HTML page: the score table, the issues
 * found (tampering, limits hit) and the graded notebook with each test's
 * result beside it.
 *
 * @example
 * writeFileSync("graded/alice/hw1.html", feedbackHtml(result, executed));
 */
export function feedbackHtml(result: SubmissionResult, executed: Notebook): string {
  const rows = result.rows
    .map(
      (r) =>
        `<tr class="${r.status}"><td><code>${escapeHtml(r.cell)}</code></td><td>${points(r.points)} / ${points(r.maxPoints)}</td>` +
        `<td>${r.status}${r.tampered ? " (modified, restored)" : ""}</td><td><pre>${escapeHtml(r.error)}</pre></td></tr>`,
    )
    .join("\n");
  const issues =
    result.issues.length === 0
      ? ""
      : `<h2>Issues</h2><ul>${result.issues.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
  const byId = new Map(result.rows.map((r) => [r.cell, r]));
  const cells = executed.cells.map((cell) => cellHtml(cell, byId)).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(`${result.notebook} — ${result.student}`)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;margin:0}.cell{border-left:4px solid #ddd;margin:1rem 0;padding:.2rem .8rem}
.cell pre.src{background:#f6f8fa;padding:.5rem}.out{color:#333}.err{color:#b00}
.passed{background:#e9f7ef}.failed,.timeout,.crashed,.not-run,.unanswered{background:#fdecea}.partial{background:#fff7e0}
.grade{border-left-color:#36c}.badge{font-weight:bold}
</style></head><body>
<h1>${escapeHtml(result.notebook)}: ${points(result.score)} / ${points(result.maxScore)}</h1>
<p>Student: ${escapeHtml(result.student)}</p>
<table><tr><th>cell</th><th>points</th><th>status</th><th>message</th></tr>
${rows}
</table>
${issues}
<h2>Notebook</h2>
${cells}
</body></html>
`;
}

function cellHtml(cell: Cell, byId: Map<string, SubmissionResult["rows"][number]>): string {
  const row = isGrade(cell) ? byId.get(gradeId(cell)) : undefined;
  const badge =
    row === undefined
      ? ""
      : `<p class="badge ${row.status}">${escapeHtml(row.cell)}: ${points(row.points)} / ${points(row.maxPoints)} — ${row.status}</p>`;
  const outputs = (cell.outputs ?? [])
    .map((o) => {
      const text = outputText(o);
      if (text === "") return "";
      const cls = o.output_type === "error" || o.name === "stderr" ? "err" : "out";
      return `<pre class="${cls}">${escapeHtml(text)}</pre>`;
    })
    .join("");
  return `<div class="cell${row ? " grade" : ""}">${badge}<pre class="src">${escapeHtml(cell.source)}</pre>${outputs}</div>`;
}

/**
 * The executed notebook annotated for the student: each grade cell gets its
 * result in `metadata.lectern.grade` and a markdown cell after it stating
 * the points and, when it failed, the test's message.
 */
export function annotateNotebook(result: SubmissionResult, executed: Notebook): Notebook {
  const byId = new Map(result.rows.map((r) => [r.cell, r]));
  const cells: Cell[] = [];
  for (const cell of executed.cells) {
    const row = isGrade(cell) ? byId.get(gradeId(cell)) : undefined;
    if (row === undefined) {
      cells.push(cell);
      continue;
    }
    const { points: p, maxPoints, status, error, tampered } = row;
    cells.push({
      ...cell,
      metadata: {
        ...cell.metadata,
        lectern: { grade: { points: p, maxPoints, status, error, tampered } },
      },
    });
    const lines = [`**${row.cell}: ${points(p)} / ${points(maxPoints)} points (${status})**`];
    if (error !== "") lines.push("", "```", error.replaceAll("```", "'''"), "```");
    if (tampered)
      lines.push("", "This locked cell had been modified; the released version was graded.");
    cells.push({
      id: `${cell.id.slice(0, 55)}-feedback`,
      cell_type: "markdown",
      source: lines.join("\n"),
      metadata: {},
    });
  }
  return { ...executed, cells };
}

/**
 * The executed notebook as a student may see it: locked cells show the
 * released text (hidden tests stay hidden, so an assignment can be reused)
 * and their errors keep the message but not the traceback, which quotes
 * the failing line.
 *
 * @example
 * const shown = concealHiddenTests(executed, lockedCells(source));
 */
export function concealHiddenTests(executed: Notebook, locked: Map<string, LockedCell>): Notebook {
  const cells = executed.cells.map((cell) => {
    const reference = cell.metadata.nbgrader ? locked.get(gradeId(cell)) : undefined;
    if (reference === undefined || isSolution(cell) || reference.releasedSource === cell.source)
      return cell;
    const outputs = cell.outputs?.map((o) =>
      o.output_type === "error"
        ? { ...o, traceback: [`${o.ename ?? "Error"}: ${o.evalue ?? ""}`] }
        : o,
    );
    return { ...cell, source: reference.releasedSource, ...(outputs ? { outputs } : {}) };
  });
  return { ...executed, cells };
}
