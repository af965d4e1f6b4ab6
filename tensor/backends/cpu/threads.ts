/**
 * How many cores the CPU kernels use: `LECTERN_THREADS` at start-up, else
 * every core the process may use; `setNumThreads` changes it at run time.
 * The native kernels split large products across a pool of that many
 * threads; the TypeScript fallback always runs on the calling thread.
 */
import { availableParallelism } from "node:os";
import { ValueError } from "../../errors.js";
import { nativeKernels } from "./native.js";

let threads = 1;

/**
 * Sets how many threads CPU kernels (matmul, convolution) may use, like
 * `torch.set_num_threads`. Defaults to `LECTERN_THREADS` or the core count.
 *
 * @example
 * lt.setNumThreads(1); // reproducible single-core timings
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new ValueError(`setNumThreads: expected an integer from 1 to 256, got ${n}`);
  }
  threads = n;
  nativeKernels()?.setThreads(n);
}

/**
 * The number of threads CPU kernels may use (`torch.get_num_threads`).
 *
 * @example
 * lt.getNumThreads(); // e.g. 8
 */
export function getNumThreads(): number {
  return threads;
}

function initialThreads(): number {
  const fromEnv = process.env.LECTERN_THREADS;
  const n = fromEnv === undefined || fromEnv === "" ? Number.NaN : Number(fromEnv);
  if (Number.isInteger(n) && n >= 1) return Math.min(n, 256);
  return Math.max(1, Math.min(availableParallelism(), 256));
}

setNumThreads(initialThreads());
