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
    cell.outputs = result.outputs;
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
