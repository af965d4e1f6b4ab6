import { type Command, UsageError } from "./command.js";

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
  async run(args) {
    const { installKernelspec } = await import("../kernel/kernelspec.js");
    let target: Parameters<typeof installKernelspec>[0] = { kind: "user" };
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "--user") target = { kind: "user" };
      else if (a === "--sys-prefix") target = { kind: "sys-prefix" };
      else if (a === "--prefix") {
        const prefix = args[++i];
        if (prefix === undefined) throw new UsageError("--prefix needs a PATH");
        target = { kind: "prefix", prefix };
      } else if (a?.startsWith("--prefix="))
        target = { kind: "prefix", prefix: a.slice("--prefix=".length) };
      else throw new UsageError(`unknown option "${a}"`);
    }
    const dir = installKernelspec(target);
    console.log(`Installed the lectern kernelspec in ${dir}`);
    return 0;
  },
};
