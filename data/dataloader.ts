import * as lt from "../tensor/index.js";
import { ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";
import type { Dataset } from "./dataset.js";
import { WorkerPool } from "./workerPool.js";

/** What `defaultCollate` makes of a list of items of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

/**
 * Turns a list of samples into a batch, as PyTorch's `default_collate`:
 * tensors are stacked along a new first dimension, numbers become a tensor
 * (int32 when all are integers, else float32), strings stay a list, and
 * tuples/arrays and objects are collated position by position / key by key.
 *
 * @example
 * data.defaultCollate([[lt.zeros([2]), 1], [lt.ones([2]), 0]]); // [Tensor [2, 2], Tensor [2] int32]
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  const first = batch[0] as unknown;
  if (batch.length === 0) throw new ValueError("defaultCollate: the batch is empty");
  if (first instanceof Tensor) {
    const shapes = new Set(batch.map((t) => (t as Tensor).shape.join(",")));
    if (shapes.size > 1) {
      throw new ValueError(
        `defaultCollate: stack expects each tensor to be equal size, but got shapes ${[...shapes].map((s) => `[${s}]`).join(" and ")}; pad them or pass a collateFn`,
      );
    }
    return lt.stack(batch as unknown as Tensor[]) as Collated<T>;
  }
  if (typeof first === "number") {
    const values = batch as unknown as number[];
    const integral = values.every(Number.isInteger);
    return lt.tensor(values, { dtype: integral ? "int32" : "float32" }) as Collated<T>;
  }
  if (typeof first === "boolean")
    return lt.tensor(batch as unknown as boolean[], { dtype: "bool" }) as Collated<T>;
  if (typeof first === "string") return [...(batch as unknown as string[])] as Collated<T>;
  if (Array.isArray(first)) {
    const n = first.length;
    if (batch.some((b) => !Array.isArray(b) || b.length !== n)) {
      throw new ValueError("defaultCollate: each element in list of batch should be of equal size");
    }
    return first.map((_, i) =>
      defaultCollate(batch.map((b) => (b as unknown[])[i])),
    ) as unknown as Collated<T>;
  }
  if (first !== null && typeof first === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first))
      out[key] = defaultCollate(batch.map((b) => (b as Record<string, unknown>)[key]));
    return out as Collated<T>;
  }
  throw new ValueError(
    `defaultCollate: batch must contain tensors, numbers, booleans, strings, arrays or objects; found ${first === null ? "null" : typeof first}`,
  );
}

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the order every epoch with lectern's generator (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Builds a batch from a list of samples (default `defaultCollate`). */
  collateFn?: (items: T[]) => B;
  /** Batches prepared ahead of the consumer by `for await` (default 2). */
  prefetch?: number;
  /**
   * Worker threads that load and augment batches in parallel with training
   * (`for await` only). Needs a dataset that can be rebuilt in a worker
   * (`toWorker()`: the built-in image datasets and `TensorDataset`, with
   * lectern transforms); other datasets load on the main thread.
   */
  numWorkers?: number;
  /**
   * Keep the worker threads between epochs (default false, as PyTorch);
   * saves their start-up time. `close()` ends them; they never keep the
   * process alive.
   */
  persistentWorkers?: boolean;
}

/**
 * Iterates over a dataset in batches (`torch.utils.data.DataLoader`):
 * shuffling with the seeded generator (`lt.manualSeed` makes the order
 * reproducible), `dropLast`, custom `collateFn`, `length` in batches, plain
 * `for...of` and `for await` with prefetching (on worker threads when
 * `numWorkers > 0`). Wrap it in `display.progress(loader)` for a progress bar.
 *
 * @example
 * const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
 * for (const [x, y] of loader) { ... }
 * for await (const [x, y] of loader) { ... } // next batches load while this one trains
 */
export class DataLoader<T, B = Collated<T>> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly collateFn: (items: T[]) => B;
  readonly prefetch: number;
  readonly numWorkers: number;
  readonly persistentWorkers: boolean;
  private readonly customCollate: boolean;
  private pool: WorkerPool | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const {
      batchSize = 1,
      shuffle = false,
      dropLast = false,
      prefetch = 2,
      numWorkers = 0,
    } = options;
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new ValueError(
        `batch_size should be a positive integer value, but got batch_size=${batchSize}`,
      );
    }
    if (!(Number.isInteger(numWorkers) && numWorkers >= 0)) {
      throw new ValueError(
        `num_workers option should be non-negative; use numWorkers: 0 to disable multiprocessing (got ${numWorkers})`,
      );
    }
    if (!(Number.isInteger(prefetch) && prefetch >= 1)) {
      throw new ValueError(`DataLoader: prefetch must be a positive integer, got ${prefetch}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.customCollate = options.collateFn !== undefined;
    this.collateFn = options.collateFn ?? ((items: T[]) => defaultCollate(items) as B);
    this.prefetch = prefetch;
    this.numWorkers = numWorkers;
    this.persistentWorkers = options.persistentWorkers ?? false;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample indices of each batch of one epoch (draws a permutation when shuffling). */
  batchIndices(): number[][] {
    const n = this.dataset.length;
    const order = this.shuffle
      ? Array.from(lt.randperm(n).dataSync() as ArrayLike<number>)
      : Array.from({ length: n }, (_, i) => i);
    const batches: number[][] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      if (batch.length < this.batchSize && this.dropLast) break;
      batches.push(batch);
    }
    return batches;
  }

  private load(indices: number[]): B {
    return this.collateFn(indices.map((i) => this.dataset.getItem(i)));
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const indices of this.batchIndices()) yield this.load(indices);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const batches = this.batchIndices();
    const pool =
      this.numWorkers > 0
        ? (this.pool ?? WorkerPool.forDataset(this.dataset, this.numWorkers))
        : undefined;
    if (this.persistentWorkers) this.pool = pool;
    const pending: Promise<B>[] = [];
    try {
      let next = 0;
      const schedule = () => {
        while (next < batches.length && pending.length < this.prefetch) {
          const indices = batches[next++]!;
          pending.push(
            pool ? this.loadInWorker(pool, indices) : nextTick(() => this.load(indices)),
          );
        }
      };
      schedule();
      while (pending.length > 0) {
        const batch = await pending.shift()!;
        schedule();
        yield batch;
      }
    } finally {
      // A loop left early abandons its prefetched batches; their errors no longer matter.
      for (const p of pending) p.catch(() => {});
      if (!this.persistentWorkers) await pool?.close();
    }
  }

  /** Ends persistent worker threads (a later epoch starts new ones). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  private async loadInWorker(pool: WorkerPool, indices: number[]): Promise<B> {
    // One seed per batch from the main generator keeps runs reproducible
    // whatever order the workers finish in.
    const seed = Number(lt.randint(0, 2 ** 31 - 1, [1]).itemSync());
    const items = (await pool.run(indices, seed, !this.customCollate)) as T[] | B;
    return this.customCollate ? this.collateFn(items as T[]) : (items as B);
  }

  /** Rich display in notebooks: a one-line summary. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return {
      "text/plain": `DataLoader(${this.dataset.constructor.name} of ${this.dataset.length}, batchSize=${this.batchSize}, shuffle=${this.shuffle}, ${this.length} batches)`,
    };
  }
}

/** Runs `fn` in a later macrotask, so the consumer's own awaits interleave with loading. */
function nextTick<R>(fn: () => R): Promise<R> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    }),
  );
}
