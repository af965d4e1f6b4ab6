import { type Command, UsageError } from "./command.js";

/** The process Jupyter starts (kernelspec argv); hidden from `lectern --help`. */
export const kernel: Command = {
  name: "kernel",
  summary: "run the Jupyter kernel (started by Jupyter from the kernelspec)",
  usage: `Usage: lectern kernel -f CONNECTION_FILE

Runs the lectern Jupyter kernel for the given connection file until the front
end shuts it down. Jupyter starts this through the kernelspec that
"lectern install" writes.`,
  async run(args) {
    const at = args.findIndex((a) => a === "-f" || a === "--connection-file");
    const inline = args.find((a) => a.startsWith("--connection-file="));
    const file = inline?.slice("--connection-file=".length) ?? (at >= 0 ? args[at + 1] : undefined);
    if (file === undefined) throw new UsageError("a connection file is required (-f FILE)");
    const { runKernel } = await import("../kernel/kernel.js");
    runKernel(file);
    // The kernel runs until a shutdown_request; its worker keeps the process alive.
    return new Promise<number>(() => undefined);
  },
};
