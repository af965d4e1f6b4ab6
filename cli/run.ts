import { type Command, NotAvailableError } from "./command.js";

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
  async run() {
    throw new NotAvailableError("run", "the kernel issue has not landed");
  },
};
