import { type Command, NotAvailableError } from "./command.js";

export const bench: Command = {
  name: "bench",
  summary: "run the benchmarks against PyTorch and tfjs and print ratios",
  usage: `Usage: lectern bench [WORKLOAD...] [--json FILE]

Runs each workload with lectern and with its peers in the same job and prints
times and ratios (lectern / peer).

Options:
  --json FILE  also write the results as JSON
  -h, --help   show this help`,
  async run() {
    throw new NotAvailableError("bench", "the benchmark issue has not landed");
  },
};
