/**
 * Turns a JavaScript error thrown by a cell into a Jupyter traceback: frames
 * in cell code are mapped back to cell line and column, frames inside the
 * kernel and Node internals are dropped, and the failing cell line is shown
 * with a caret (as IPython does).
 */
import { inspect } from "node:util";

/** Where the code of a compiled cell came from. */
export interface CellSource {
  /** The label shown in tracebacks, e.g. `In [3]`. */
  label: string;
  source: string;
  positionInCell(line: number, column: number): { line: number; column: number } | undefined;
}

export interface JupyterError {
  ename: string;
  evalue: string;
  traceback: string[];
}

const CELL_FILE = /^lectern-cell-(\d+)\.js$/;
const INTERNAL = /(^node:|[\\/]dist[\\/]kernel[\\/]|^internal[\\/]|^evalmachine)/;

/** The file name a compiled cell is run under (so its frames can be recognised). */
export function cellFileName(id: number): string {
  return `lectern-cell-${id}.js`;
}

function errorParts(err: unknown): { ename: string; evalue: string; stack: string } {
  if (
    err instanceof Error ||
    (typeof err === "object" && err !== null && "stack" in err && "message" in err)
  ) {
    const e = err as Error;
    return {
      ename: e.name || "Error",
      evalue: String(e.message ?? ""),
      stack: String(e.stack ?? ""),
    };
  }
  return { ename: "Uncaught", evalue: inspect(err, { depth: 2 }), stack: "" };
}

/** Builds ename/evalue/traceback for `err`; `cells` resolves cell ids to their sources. */
export function formatError(
  err: unknown,
  cells: (id: number) => CellSource | undefined,
): JupyterError {
  const { ename, evalue, stack } = errorParts(err);
  const frames: string[] = [];
  let firstCell: { cell: CellSource; line: number; column: number } | undefined;
  for (const raw of stack.split("\n")) {
    const frame = /^\s+at (?:(.*) \()?(.*?):(\d+):(\d+)\)?$/.exec(raw);
    if (frame === null) continue;
    const [, fn, file = "", line = "0", column = "0"] = frame;
    const cellMatch = CELL_FILE.exec(file);
    if (cellMatch) {
      const cell = cells(Number(cellMatch[1]));
      const pos = cell?.positionInCell(Number(line), Number(column));
      if (cell && pos) {
        firstCell ??= { cell, ...pos };
        const name = fn && !fn.startsWith("async ") ? fn : fn?.replace(/^async /, "");
        frames.push(
          `    at ${name ? `${name} (` : ""}${cell.label}:${pos.line}:${pos.column}${name ? ")" : ""}`,
        );
      }
      continue;
    }
    // Below the first kernel frame is only the kernel's own machinery.
    if (INTERNAL.test(file)) {
      if (frames.length > 0 || firstCell) break;
      continue;
    }
    frames.push(raw.replace(/file:\/\//, ""));
  }
  const traceback = [`${ename}: ${evalue}`, ...frames];
  if (firstCell) {
    const text = firstCell.cell.source.split("\n")[firstCell.line - 1];
    if (text !== undefined) {
      traceback.push(
        "",
        `${firstCell.cell.label}, line ${firstCell.line}:`,
        `  ${text}`,
        `  ${" ".repeat(Math.max(0, firstCell.column - 1))}^`,
      );
    }
  }
  return { ename, evalue, traceback };
}
