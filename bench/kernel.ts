/**
 * Kernel benchmark: start-to-kernel_info time and the `1+1` execute round
 * trip (median, p95) of lectern beside tslab, run in the same job.
 *
 *   npm run build && node dist/bench/kernel.js [--starts N] [--trips N] [--json FILE]
 *
 * Goals (issue 4): start under 1 s, `1+1` under 10 ms median, both at least
 * 2x faster than tslab. tslab is a devDependency; without it only lectern is measured.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type StartKernelOptions, startKernel } from "../kernel/client.js";

interface KernelTimes {
  kernel: string;
  startMs: number[];
  tripMs: number[];
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

function tslabArgv(): string[] | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("tslab/package.json");
    const bin = join(dirname(pkg), "bin", "tslab");
    return existsSync(bin)
      ? [process.execPath, bin, "kernel", "--config-path", "{connection_file}"]
      : undefined;
  } catch {
    return undefined;
  }
}

async function measure(
  name: string,
  options: StartKernelOptions,
  starts: number,
  trips: number,
): Promise<KernelTimes> {
  const times: KernelTimes = { kernel: name, startMs: [], tripMs: [] };
  for (let i = 0; i < starts; i++) {
    const k = await startKernel(options);
    times.startMs.push(k.startupMs ?? Number.NaN);
    if (i === starts - 1) {
      // Warm up (the first cells load the compiler), then time the round trips.
      for (let w = 0; w < 10; w++) await k.execute("1+1");
      for (let t = 0; t < trips; t++) {
        const t0 = performance.now();
        const r = await k.execute("1+1");
        times.tripMs.push(performance.now() - t0);
        if (r.status !== "ok") throw new Error(`${name}: 1+1 failed: ${JSON.stringify(r.error)}`);
      }
    }
    await k.shutdown();
  }
  return times;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (flag: string, fallback: string) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
  };
  const starts = Number(option("--starts", "5"));
  const trips = Number(option("--trips", "200"));
  const json = option(
    "--json",
    fileURLToPath(new URL("../../bench/results/kernel.json", import.meta.url)),
  );
  const cwd = mkdtempSync(join(tmpdir(), "lectern-bench-kernel-"));
  try {
    const results = [await measure("lectern", { cwd }, starts, trips)];
    const tslab = tslabArgv();
    if (tslab) results.push(await measure("tslab", { cwd, kernelArgv: tslab }, starts, trips));
    else
      console.log("tslab is not installed (npm install --save-dev tslab): measuring lectern only");
    const rows = results.map((r) => ({
      kernel: r.kernel,
      startMedianMs: quantile(r.startMs, 0.5),
      tripMedianMs: quantile(r.tripMs, 0.5),
      tripP95Ms: quantile(r.tripMs, 0.95),
    }));
    console.log("kernel    start→kernel_info (median)   1+1 median   1+1 p95");
    for (const row of rows) {
      console.log(
        `${row.kernel.padEnd(9)} ${row.startMedianMs.toFixed(0).padStart(10)} ms ${row.tripMedianMs.toFixed(2).padStart(21)} ms ${row.tripP95Ms.toFixed(2).padStart(8)} ms`,
      );
    }
    const [lectern, peer] = rows;
    if (lectern && peer) {
      console.log(
        `ratios lectern/tslab: start ${(lectern.startMedianMs / peer.startMedianMs).toFixed(2)}, ` +
          `1+1 median ${(lectern.tripMedianMs / peer.tripMedianMs).toFixed(2)}, p95 ${(lectern.tripP95Ms / peer.tripP95Ms).toFixed(2)} (below 0.5 meets the 2x goal)`,
      );
    }
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(
      json,
      `${JSON.stringify({ date: new Date().toISOString(), starts, trips, rows, raw: results }, null, 2)}\n`,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

await main();
