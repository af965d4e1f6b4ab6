import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { runBench } from "../bench/main.js";
import { type Command, UsageError } from "./command.js";
import { WORKLOADS } from "../bench/workloads.js";

const ALL_PEERS = ["torch", "tfjs-wasm", "tfjs-cpu", "webgpu"];

export const bench: Command = {
  name: "bench",
  summary: "run the benchmarks against PyTorch and tfjs and print ratios",
  usage: `Usage: lectern bench [WORKLOAD...] [--json FILE] [--quick] [--peers LIST] [--threads LIST]

Runs each workload with lectern and with its peers in the same job and prints
times (median ms, min–max) and ratios lectern / peer (below 1: lectern is faster).

Workloads: ${WORKLOADS.map((w) => w.name).join(", ")}, kernel
(kernel: start-to-kernel_info and the \`1+1\` round trip, beside tslab)

Options:
  --json FILE     also write the results as JSON (default bench/results/latest.json)
  --quick         fewer, shorter samples
  --peers LIST    comma-separated subset of ${ALL_PEERS.join(",")} (default: torch,tfjs-wasm,tfjs-cpu)
  --threads LIST  thread counts for lectern and PyTorch rows (default: 1,<cores>)
  -h, --help      show this help`,
  async run(args) {
    const workloads: string[] = [];
    let json = "bench/results/latest.json";
    let quick = false;
    let peers = ["torch", "tfjs-wasm", "tfjs-cpu"];
    let threads = [...new Set([1, cpus().length])];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const value = () => {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        return v;
      };
      if (a === "--json") json = value();
      else if (a === "--quick") quick = true;
      else if (a === "--peers") {
        peers = value().split(",");
        const bad = peers.filter((p) => !ALL_PEERS.includes(p));
        if (bad.length)
          throw new UsageError(
            `unknown peer(s) ${bad.join(", ")}; choose from ${ALL_PEERS.join(", ")}`,
          );
      } else if (a === "--threads") {
        threads = value().split(",").map(Number);
        if (threads.some((t) => !Number.isInteger(t) || t < 1))
          throw new UsageError("--threads takes positive integers, e.g. --threads 1,2");
      } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
      else if (a !== "kernel" && !WORKLOADS.some((w) => w.name === a))
        throw new UsageError(
          `unknown workload "${a}"; choose from ${WORKLOADS.map((w) => w.name).join(", ")}`,
        );
      else workloads.push(a);
    }
    const tensorWorkloads = workloads.filter((w) => w !== "kernel");
    if (workloads.length === 0 || tensorWorkloads.length > 0)
      await runBench({ workloads: tensorWorkloads, json, quick, peers, threads });
    if (workloads.length === 0 || workloads.includes("kernel")) {
      console.log("\nKernel (start → kernel_info, `1+1` round trip):");
      const kernelBench = fileURLToPath(new URL("../bench/kernel.js", import.meta.url));
      const trips = quick ? ["--starts", "3", "--trips", "50"] : [];
      const r = spawnSync(process.execPath, [kernelBench, ...trips], { stdio: "inherit" });
      if (r.status !== 0) return r.status ?? 1;
    }
    return 0;
  },
};
