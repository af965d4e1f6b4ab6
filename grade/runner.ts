import type { Notebook, Output } from "./notebook.js";
import type { Execution } from "./score.js";

/** What the runner needs from a kernel: the subset of kernel/client.ts's KernelClient it uses. */
export interface GradingKernel {
  execute(
    code: string,
    options: { timeoutMs: number; stopOnError: boolean; allowStdin: boolean },
  ): Promise<{
    status: "ok" | "error" | "aborted" | "timeout" | "died";
    executionCount: number | null;
    outputs: Output[];
  }>;
  restart(): Promise<void>;
  readonly alive: boolean;
}

/** Progress of one notebook, written after every cell so a killed worker loses nothing. */
export interface RunProgress {
  /** Cell id → how its execution ended. */
  executions: Record<string, Execution>;
  /** The cell running when the record was written, if any. */
  running?: string;
  /** The notebook with the outputs so far. */
  notebook: Notebook;
  /** Readable lines about limits hit and kernel restarts. */
  issues: string[];
}

/** Most outputs kept per cell, and most characters per text; the rest is cut with a note. */
export const MAX_OUTPUTS = 100;
export const MAX_TEXT = 100_000;

function capText(text: string): string {
  return text.length <= MAX_TEXT
    ? text
    : `${text.slice(0, MAX_TEXT)}\n… [${text.length - MAX_TEXT} more characters cut by the grader]`;
}

/**
 * Bounds what a cell may print: a submission that floods its output must
 * not blow up the worker's progress file, the gradebook or the feedback.
 * Images and other rich data over the limit are dropped, keeping text/plain.
 */
export function capOutputs(outputs: readonly Output[]): Output[] {
  const kept = outputs.slice(0, MAX_OUTPUTS).map((o): Output => {
    if (o.output_type === "stream")
      return { ...o, text: capText(Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")) };
    if (o.output_type === "error")
      return {
        ...o,
        evalue: capText(o.evalue ?? ""),
        traceback: (o.traceback ?? []).slice(0, 200).map(capText),
      };
    if (o.data === undefined) return o;
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(o.data)) {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      if (text.length <= MAX_TEXT) data[mime] = value;
      else if (mime === "text/plain") data[mime] = capText(text);
    }
    return { ...o, data };
  });
  if (outputs.length > MAX_OUTPUTS) {
    kept.push({
      output_type: "stream",
      name: "stderr",
      text: `[${outputs.length - MAX_OUTPUTS} more outputs cut by the grader]\n`,
    });
  }
  return kept;
}

function errorOutput(ename: string, evalue: string): Output {
  return { output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/**
 * Runs every code cell of a restored submission in order, the way nbgrader's
 * autograde runs a notebook with `allow_errors`: a failing cell does not stop
 * the next. A cell past `cellTimeoutMs` is stopped (the client interrupts,
 * then restarts the kernel); a kernel that dies (out of memory,
 * `process.exit`) is restarted and the next cell runs without the lost state;
 * once `notebookTimeoutMs` has passed, the remaining cells are not run. Each
 * of these gets an error output saying what happened, so the student sees it
 * in the feedback.
 *
 * @example
 * const progress = await runNotebook(kernel, restored, { cellTimeoutMs: 30_000, notebookTimeoutMs: 300_000 }, save);
 */
export async function runNotebook(
  kernel: GradingKernel,
  notebook: Notebook,
  limits: { cellTimeoutMs: number; notebookTimeoutMs: number },
  save: (progress: RunProgress) => void,
  now: () => number = Date.now,
): Promise<RunProgress> {
  const progress: RunProgress = { executions: {}, notebook, issues: [] };
  const deadline = now() + limits.notebookTimeoutMs;
  let usable = true;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    const left = deadline - now();
    if (!usable || left <= 0) {
      progress.executions[cell.id] = "not-run";
      cell.outputs = [
        errorOutput(
          "NotRunError",
          usable
            ? `not run: the notebook's ${limits.notebookTimeoutMs / 1000} s time limit was used up by earlier cells`
            : "not run: the kernel could not be restarted after an earlier crash",
        ),
      ];
      continue;
    }
    progress.running = cell.id;
    save(progress);
    const timeoutMs = Math.min(limits.cellTimeoutMs, left);
    const result = await kernel.execute(cell.source, {
      timeoutMs,
      stopOnError: false,
      allowStdin: false,
    });
    cell.outputs = capOutputs(result.outputs);
    cell.execution_count = result.executionCount;
    let execution: Execution;
    switch (result.status) {
      case "ok":
        execution = "ok";
        break;
      case "error":
      case "aborted":
        execution = "error";
        break;
      case "timeout":
        execution = "timeout";
        cell.outputs.push(
          errorOutput(
            "TimeoutError",
            `the cell ran longer than ${Math.round(timeoutMs / 100) / 10} s and was stopped`,
          ),
        );
        progress.issues.push(`cell ${cell.id} timed out after ${timeoutMs} ms`);
        break;
      case "died":
        execution = "crashed";
        cell.outputs.push(
          errorOutput(
            "KernelDied",
            "the kernel died while running this cell (out of memory, or the process exited); it was restarted and the next cells ran without this session's variables",
          ),
        );
        progress.issues.push(`the kernel died in cell ${cell.id}`);
        break;
    }
    progress.executions[cell.id] = execution;
    if (!kernel.alive) {
      try {
        await kernel.restart();
      } catch (err) {
        usable = false;
        progress.issues.push(`the kernel could not be restarted: ${String(err)}`);
      }
    }
  }
  progress.running = undefined;
  save(progress);
  return progress;
}
