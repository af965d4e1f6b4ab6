/**
 * `lectern bench`: runs each workload with lectern and with its peers
 * (PyTorch CPU, tfjs-wasm, tfjs-cpu) in the same job, one child process per
 * system and thread count, and prints times (median ms, with min–max) and
 * ratios lectern / peer (below 1 means lectern is faster).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { theoreticalPeak } from "./peak.js";
import { lecternPeer, type Peer, tfjsPeer, torchPeer } from "./peers.js";
import { median, type PeerRequest, type PeerResult } from "./timing.js";
import { WORKLOADS, type WorkloadInfo } from "./workloads.js";

export interface BenchOptions {
  workloads: string[];
  json?: string;
  quick: boolean;
  peers: string[];
  threads: number[];
}

interface Column {
  peer: Peer;
  result: PeerResult | { unavailable: string };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function medianOf(col: Column, name: string): number | undefined {
  if ("unavailable" in col.result) return undefined;
  const r = col.result.results[name];
  return r && "times" in r ? median(r.times) : undefined;
}

function cell(col: Column, name: string): string {
  if ("unavailable" in col.result) return "n/a";
  const r = col.result.results[name];
  if (r === undefined) return "—";
  if ("error" in r) return "error";
  return `${fmt(median(r.times))} (${fmt(Math.min(...r.times))}–${fmt(Math.max(...r.times))})`;
}

function rate(w: WorkloadInfo, ms: number | undefined): string {
  if (ms === undefined) return "";
  if (w.flops) return `${(w.flops / ms / 1e6).toFixed(1)} GFLOPS`;
  if (w.bytes) return `${(w.bytes / ms / 1e6).toFixed(1)} GB/s`;
  return "";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** Runs the benchmark and prints the table; returns the JSON report. */
export async function runBench(opts: BenchOptions): Promise<unknown> {
  const selected = WORKLOADS.filter(
    (w) => opts.workloads.length === 0 || opts.workloads.includes(w.name),
  );
  const req: Omit<PeerRequest, "threads"> = {
    workloads: selected.map((w) => w.name),
    samples: opts.quick ? 3 : 7,
    minSampleMs: opts.quick ? 20 : 100,
    budgetMs: opts.quick ? 2000 : 8000,
    clock: process.env.LECTERN_BENCH_CLOCK === "cpu" ? "cpu" : "wall",
  };
  const peers: Peer[] = [];
  for (const t of opts.threads) {
    peers.push(lecternPeer(t));
    if (opts.peers.includes("torch")) peers.push(torchPeer(t));
  }
  if (opts.peers.includes("webgpu")) peers.push(lecternPeer(1, "webgpu"));
  if (opts.peers.includes("tfjs-wasm")) peers.push(tfjsPeer("wasm"));
  if (opts.peers.includes("tfjs-cpu")) peers.push(tfjsPeer("cpu"));

  const columns: Column[] = [];
  for (const peer of peers) {
    process.stderr.write(`bench: running ${peer.label}...\n`);
    columns.push({ peer, result: await peer.run({ ...req, threads: peer.threads }) });
  }

  if (req.clock === "cpu") {
    console.log(
      "Times are CPU time of each process (LECTERN_BENCH_CLOCK=cpu): compare 1-thread rows.",
    );
  }
  const peak = theoreticalPeak();
  console.log(
    `Theoretical fp32 peak: ${(peak.gflopsPerCore * peak.cores).toFixed(0)} GFLOPS (${peak.description})`,
  );
  for (const c of columns) {
    if ("unavailable" in c.result)
      console.log(`${c.peer.label}: not run — ${c.result.unavailable}`);
    else console.log(`${c.peer.label}: ${c.result.version}`);
  }

  const lecternCols = columns.filter((c) => c.peer.label.startsWith("lectern "));
  const header = ["workload", ...columns.map((c) => `${c.peer.label} ms`)];
  const ratioHeads: string[] = [];
  for (const l of lecternCols) {
    for (const p of columns.filter((c) => !c.peer.label.startsWith("lectern"))) {
      if (p.peer.label.startsWith("PyTorch") && p.peer.threads !== l.peer.threads) continue;
      ratioHeads.push(`${l.peer.label} / ${p.peer.label}`);
    }
  }
  const rows: string[][] = [[...header, ...ratioHeads, "lectern 1T rate", "% of 1-core peak"]];
  const report: Record<string, unknown> = {};
  for (const w of selected) {
    const row = [w.name, ...columns.map((c) => cell(c, w.name))];
    const ratios: Record<string, number> = {};
    for (const head of ratioHeads) {
      const [l, p] = head.split(" / ");
      const lm = medianOf(columns.find((c) => c.peer.label === l)!, w.name);
      const pm = medianOf(columns.find((c) => c.peer.label === p)!, w.name);
      const ratio = lm !== undefined && pm !== undefined ? lm / pm : undefined;
      row.push(ratio === undefined ? "" : ratio.toFixed(2));
      if (ratio !== undefined) ratios[head] = ratio;
    }
    const l1 = lecternCols[0] ? medianOf(lecternCols[0], w.name) : undefined;
    row.push(rate(w, l1));
    row.push(
      w.flops && l1 ? `${((w.flops / l1 / 1e6 / peak.gflopsPerCore) * 100).toFixed(0)}%` : "",
    );
    rows.push(row);
    report[w.name] = {
      description: w.description,
      flops: w.flops,
      bytes: w.bytes,
      results: Object.fromEntries(
        columns.map((c) => [
          c.peer.label,
          "unavailable" in c.result
            ? { unavailable: c.result.unavailable }
            : c.result.results[w.name],
        ]),
      ),
      ratios,
    };
  }
  console.log();
  console.log(table(rows));
  const json = { date: new Date().toISOString(), cpus: cpus()[0]?.model, peak, workloads: report };
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`\nwrote ${opts.json}`);
  }
  return json;
}
