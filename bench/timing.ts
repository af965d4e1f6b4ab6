/** Shared timing helpers for lectern's benchmark harness and its JS peers. */

/** What the harness asks a peer process to run. */
export interface PeerRequest {
  workloads: string[];
  threads: number;
  samples: number;
  minSampleMs: number;
  /** Soft time budget per workload: slow workloads get fewer samples (at least one). */
  budgetMs: number;
  /**
   * "wall" (default) or "cpu": the process's CPU time (all its threads), which
   * other jobs on a shared machine barely disturb; fair for 1-thread rows.
   */
  clock?: "wall" | "cpu";
}

/** Per-iteration times in ms of each workload, or why it could not run. */
export interface PeerResult {
  version: string;
  threads: number;
  results: Record<string, { times: number[] } | { error: string }>;
}

/**
 * Times `fn` after one warm-up call: each of `samples` samples repeats `fn`
 * enough times to last about `minSampleMs`, and reports the mean time per call
 * in that sample. Workloads slower than `budgetMs / samples` get fewer
 * samples, never fewer than one. `fn` may return a promise (GPU read-back).
 */
export async function measure(
  fn: () => unknown,
  samples: number,
  minSampleMs: number,
  budgetMs = Number.POSITIVE_INFINITY,
  clock: "wall" | "cpu" = "wall",
): Promise<number[]> {
  const now =
    clock === "cpu"
      ? () => {
          const u = process.cpuUsage();
          return (u.user + u.system) / 1000;
        }
      : () => performance.now();
  await fn();
  let start = now();
  await fn();
  const once = Math.max(now() - start, 1e-3);
  const reps = Math.max(1, Math.floor(minSampleMs / once));
  samples = Math.max(1, Math.min(samples, Math.floor(budgetMs / (once * reps))));
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    start = now();
    for (let r = 0; r < reps; r++) await fn();
    times.push((now() - start) / reps);
  }
  return times;
}

/** Workload `<name>-memory` measures `<name>` with {@link highWaterMB}. */
export const MEMORY_SUFFIX = "-memory";

/**
 * How far 20 calls of a workload raise the process's peak resident memory
 * above what it used before its set-up, in MB.
 */
export async function highWaterMB(setup: () => () => unknown, steps = 20): Promise<number> {
  const before = process.memoryUsage().rss;
  const fn = setup();
  for (let i = 0; i < steps; i++) await fn();
  return Math.max(0, process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20;
}

/** Reads all of standard input as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
