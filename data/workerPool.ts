import { Worker } from "node:worker_threads";
import * as lt from "../tensor/index.js";
import { LecternError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * How a worker thread rebuilds a dataset: `import(module)[exportName].fromWorker(state)`.
 * `state` must survive structured cloning (typed arrays over
 * SharedArrayBuffer are shared, not copied).
 */
export interface WorkerSpec {
  module: string;
  exportName: string;
  state: unknown;
}

/** A dataset that can be rebuilt inside a worker thread. */
export interface WorkerCapable {
  toWorker(): WorkerSpec | undefined;
}

/** A tensor as it crosses threads. */
interface EncodedTensor {
  __tensor: true;
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** Replaces tensors in a batch by transferable typed arrays (worker side). */
export function encodeBatch(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) {
    const source = value.contiguous().dataSync() as Float32Array | Int32Array | Uint8Array;
    const data = source.slice();
    transfer.push(data.buffer as ArrayBuffer);
    return { __tensor: true, dtype: value.dtype, shape: value.shape, data } satisfies EncodedTensor;
  }
  if (Array.isArray(value)) return value.map((v) => encodeBatch(v, transfer));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeBatch(v, transfer)]));
  }
  return value;
}

/** Turns a batch from a worker back into tensors (main side). */
export function decodeBatch(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBatch);
  if (value !== null && typeof value === "object") {
    if ((value as EncodedTensor).__tensor) {
      const t = value as EncodedTensor;
      return lt.tensor(t.data, { dtype: t.dtype as lt.DType }).reshape(t.shape);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeBatch(v)]));
  }
  return value;
}

interface Job {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that each hold a copy of a dataset (sharing its bytes) and
 * load batches of indices: `getItem`, transforms and collation run off the
 * main thread, so augmentation overlaps training.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;

  private constructor(spec: WorkerSpec, count: number) {
    const entry = new URL("./loaderWorker.js", import.meta.url);
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(entry, { workerData: spec });
      // Idle workers must not keep the process alive; busy ones must (see run()).
      w.unref();
      return w;
    });
    this.busy = this.workers.map(() => 0);
    this.workers.forEach((w, i) => {
      w.on("message", (msg: { id: number; result?: unknown; error?: string }) => {
        const job = this.jobs.get(msg.id);
        if (job === undefined) return;
        this.jobs.delete(msg.id);
        if (--this.busy[i]! === 0) w.unref();
        if (msg.error !== undefined)
          job.reject(new LecternError(`DataLoader worker: ${msg.error}`));
        else job.resolve(decodeBatch(msg.result));
      });
      w.on("error", (e) => {
        for (const job of this.jobs.values()) job.reject(e);
        this.jobs.clear();
      });
    });
  }

  /** A pool for `dataset`, or undefined when it cannot be rebuilt in a worker. */
  static forDataset(dataset: unknown, count: number): WorkerPool | undefined {
    const capable = dataset as Partial<WorkerCapable>;
    const spec = typeof capable.toWorker === "function" ? capable.toWorker() : undefined;
    return spec === undefined ? undefined : new WorkerPool(spec, count);
  }

  /** Loads the samples at `indices` with the generator seeded by `seed`; collates them if asked. */
  run(indices: number[], seed: number, collate: boolean): Promise<unknown> {
    const id = this.nextId++;
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i]! < this.busy[w]!) w = i;
    if (this.busy[w]!++ === 0) this.workers[w]!.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ id, indices, seed, collate });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
