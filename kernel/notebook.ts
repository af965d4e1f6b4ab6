/**
 * Executes an nbformat 4 notebook through a real kernel process (the path
 * JupyterLab takes) and returns it as nbformat 4.5 with outputs.
 */
import { randomBytes } from "node:crypto";
import {
  type ExecuteResult,
  type KernelClient,
  type NbOutput,
  type StartKernelOptions,
  startKernel,
} from "./client.js";

export interface NotebookCell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: NbOutput[];
  execution_count?: number | null;
  attachments?: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export interface RunOptions {
  /** Per-cell time limit. */
  timeoutMs?: number;
  /** Keep going after a failing cell. */
  allowErrors?: boolean;
  /** Options for the kernel process (its cwd should be the notebook's folder). */
  kernel?: StartKernelOptions;
  /** Called before and after each code cell (progress reporting). */
  onCell?: (index: number, cell: NotebookCell, result?: ExecuteResult) => void;
}

export interface RunReport {
  notebook: Notebook;
  /** Index of the first cell that failed, when one did. */
  failedCell?: number;
  failure?: ExecuteResult;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Checks the parts of nbformat 4 that execution relies on; throws a readable message otherwise. */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`);
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`${name} is not an nbformat 4 notebook (nbformat ${String(nb?.nbformat)})`);
  }
  return nb;
}

/** Upgrades to nbformat 4.5: every cell gets an id. */
function toV45(nb: Notebook): void {
  const seen = new Set<string>();
  for (const cell of nb.cells) {
    if (
      typeof cell.id !== "string" ||
      !/^[a-zA-Z0-9-_]{1,64}$/.test(cell.id) ||
      seen.has(cell.id)
    ) {
      cell.id = randomBytes(4).toString("hex");
    }
    seen.add(cell.id);
  }
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 0);
}

/** Runs every code cell in order in a fresh kernel; the notebook is updated in place. */
export async function runNotebook(nb: Notebook, options: RunOptions = {}): Promise<RunReport> {
  toV45(nb);
  const kernel: KernelClient = await startKernel(options.kernel);
  const report: RunReport = { notebook: nb };
  try {
    const info = await kernel.kernelInfo();
    nb.metadata = {
      ...nb.metadata,
      kernelspec: { name: "lectern", display_name: "TypeScript (lectern)", language: "typescript" },
      language_info: info.language_info,
    };
    let stopped = false;
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      if (stopped) {
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      options.onCell?.(index, cell);
      const result = await kernel.execute(cellSource(cell), { timeoutMs: options.timeoutMs });
      cell.outputs = result.outputs;
      cell.execution_count = result.executionCount;
      if (result.status === "died" && !result.outputs.some((o) => o.output_type === "error")) {
        // With --allow-errors the next cells run in a fresh kernel: say that
        // what earlier cells defined is gone, or their errors look unrelated.
        const evalue = options.allowErrors
          ? "the kernel process exited while running this cell; it was restarted and the state of earlier cells is lost"
          : "the kernel process exited while running this cell";
        cell.outputs.push({
          output_type: "error",
          ename: "KernelDied",
          evalue,
          traceback: [`KernelDied: ${evalue}`],
        });
      }
      if (
        result.status === "timeout" &&
        result.error &&
        !result.outputs.some((o) => o.output_type === "error")
      ) {
        cell.outputs.push({ output_type: "error", ...result.error });
      }
      options.onCell?.(index, cell, result);
      if (result.status !== "ok") {
        report.failedCell ??= index;
        report.failure ??= result;
        if (!options.allowErrors || result.status === "died") stopped = true;
        if (result.status === "died" && options.allowErrors) {
          await kernel.restart();
          stopped = false;
        }
      }
    }
  } finally {
    await kernel.shutdown();
  }
  return report;
}
