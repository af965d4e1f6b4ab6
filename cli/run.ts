import { renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Command, UsageError } from "./command.js";

export const run: Command = {
  name: "run",
  summary: "execute a notebook headless through the lectern kernel and write its outputs",
  usage: `Usage: lectern run IN.ipynb [-o OUT.ipynb] [--timeout S] [--allow-errors]

Executes every cell of IN.ipynb through a real lectern kernel process and
writes the notebook with its outputs (nbformat 4.5).

Options:
  -o, --output OUT  where to write the executed notebook (default: IN.ipynb in place)
  --timeout S       per-cell time limit in seconds (default: none)
  --allow-errors    keep going after a cell raises an error (exit 0)
  -h, --help        show this help`,
  async run(args) {
    let input: string | undefined;
    let output: string | undefined;
    let timeoutMs: number | undefined;
    let allowErrors = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "-o" || a === "--output") {
        output = args[++i];
        if (output === undefined) throw new UsageError(`${a} needs a file name`);
      } else if (a === "--timeout") {
        const s = Number(args[++i]);
        if (!(s > 0)) throw new UsageError("--timeout needs a positive number of seconds");
        timeoutMs = s * 1000;
      } else if (a === "--allow-errors") {
        allowErrors = true;
      } else if (a.startsWith("-")) {
        throw new UsageError(`unknown option "${a}"`);
      } else if (input === undefined) {
        input = a;
      } else {
        throw new UsageError(`only one notebook at a time ("${input}" and "${a}")`);
      }
    }
    if (input === undefined) throw new UsageError("no notebook given");
    const { parseNotebook, runNotebook, cellSource } = await import("../kernel/notebook.js");
    const path = resolve(input);
    const nb = parseNotebook(await readFile(path, "utf8"), input);
    const report = await runNotebook(nb, {
      timeoutMs,
      allowErrors,
      kernel: { cwd: dirname(path), stderr: "inherit" },
    });
    // Write beside the target and rename, so a killed run never leaves a half-written notebook.
    const target = resolve(output ?? input);
    const temp = `${target}.lectern-tmp-${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(report.notebook, null, 1)}\n`);
    renameSync(temp, target);
    if (report.failedCell !== undefined && report.failure) {
      const cell = report.notebook.cells[report.failedCell];
      const err = report.failure.error;
      console.error(
        `lectern run: cell ${report.failedCell + 1} of ${input} failed (${report.failure.status})\n` +
          `--- cell source ---\n${cell ? cellSource(cell) : ""}\n--- error ---\n` +
          `${err ? [err.traceback.length ? err.traceback.join("\n") : `${err.ename}: ${err.evalue}`].join("\n") : report.failure.status}`,
      );
      if (!allowErrors) return 1;
    }
    console.log(`lectern run: wrote ${target}`);
    return 0;
  },
};
