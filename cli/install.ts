import { type Command, NotAvailableError } from "./command.js";

export const install: Command = {
  name: "install",
  summary: "install the lectern Jupyter kernelspec (JupyterLab, Notebook, VS Code, nbclient)",
  usage: `Usage: lectern install [--user | --sys-prefix | --prefix PATH]

Writes a Jupyter kernelspec named "lectern" (display name "TypeScript (lectern)").

Options:
  --user          install into the per-user Jupyter data directory (default)
  --sys-prefix    install into the current Python environment's prefix
  --prefix PATH   install into PATH/share/jupyter/kernels/lectern
  -h, --help      show this help`,
  async run() {
    throw new NotAvailableError("install", "the kernel issue has not landed");
  },
};
