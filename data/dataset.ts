import * as lt from "../tensor/index.js";
import { IndexError, ShapeError, ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { WorkerSpec } from "./workerPool.js";

/**
 * A map-style dataset: `length` items, fetched by index (`torch.utils.data.Dataset`).
 * Subclasses implement `length` and `getItem(i)`; items are usually tensors
 * or tuples of tensors and labels, which `DataLoader` batches.
 *
 * @example
 * class Squares extends data.Dataset<[lt.Tensor, number]> {
 *   get length() { return 10; }
 *   getItem(i: number): [lt.Tensor, number] { return [lt.tensor([i]), i * i]; }
 * }
 */
export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  abstract getItem(index: number): T;

  /** `getItem` with Python-style negative indices and a range check. */
  at(index: number): T {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new IndexError(
        `${this.constructor.name}: index ${index} is out of range for a dataset of ${n} items`,
      );
    }
    return this.getItem(i);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.getItem(i);
  }

  /** Rich display in notebooks: a one-line summary. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": `${this.constructor.name}(${this.length} items)` };
  }
}

/**
 * Wraps tensors sharing their first dimension; item `i` is the list of
 * their `i`-th rows (`TensorDataset`).
 *
 * @example
 * const ds = new data.TensorDataset(lt.randn([100, 3]), lt.randint(0, 2, [100]));
 * const [x, y] = ds.getItem(0); // x: [3], y: []
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ValueError("TensorDataset: needs at least one tensor");
    const n = tensors[0]!.shape[0];
    if (tensors.some((t) => t.shape.length === 0 || t.shape[0] !== n)) {
      throw new ShapeError(
        `TensorDataset: Size mismatch between tensors: first dimensions are [${tensors.map((t) => t.shape[0] ?? "scalar").join(", ")}]`,
      );
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  getItem(index: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }

  /** How a DataLoader worker thread rebuilds this dataset: the values move to shared memory. */
  toWorker(): WorkerSpec | undefined {
    if (this.constructor !== TensorDataset) return undefined;
    const tensors = this.tensors.map((t) => {
      const values = t.contiguous().dataSync() as Float32Array | Int32Array | Uint8Array;
      const Ctor = values.constructor as Float32ArrayConstructor;
      const shared = new Ctor(new SharedArrayBuffer(values.byteLength));
      shared.set(values as Float32Array);
      return { dtype: t.dtype, shape: t.shape, data: shared };
    });
    return { module: import.meta.url, exportName: "TensorDataset", state: tensors };
  }

  static fromWorker(
    state: Array<{ dtype: lt.DType; shape: number[]; data: Float32Array }>,
  ): TensorDataset {
    return new TensorDataset(
      ...state.map((t) => lt.tensor(t.data, { dtype: t.dtype }).reshape(t.shape)),
    );
  }
}

/**
 * The items of `dataset` at `indices`, in that order (`Subset`).
 *
 * @example
 * const firstHundred = new data.Subset(ds, [...Array(100).keys()]);
 */
export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    super();
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T {
    return this.dataset.getItem(this.indices[index]!);
  }
}

/**
 * Several datasets one after another (`ConcatDataset`).
 *
 * @example
 * const both = new data.ConcatDataset([trainA, trainB]);
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: Dataset<T>[];
  /** Running totals of the datasets' lengths. */
  readonly cumulativeSizes: number[];

  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0)
      throw new ValueError("datasets should not be an empty iterable");
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      total += d.length;
      return total;
    });
  }

  get length(): number {
    return this.cumulativeSizes.at(-1)!;
  }

  getItem(index: number): T {
    let d = 0;
    while (this.cumulativeSizes[d]! <= index) d++;
    const start = d === 0 ? 0 : this.cumulativeSizes[d - 1]!;
    return this.datasets[d]!.getItem(index - start);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given
 * lengths, or of the given fractions of its length (`random_split`); the
 * permutation comes from lectern's generator, so `lt.manualSeed` fixes it.
 *
 * @example
 * lt.manualSeed(0);
 * const [train, val] = data.randomSplit(ds, [0.8, 0.2]);
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[]): Subset<T>[] {
  const n = dataset.length;
  let sizes = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    sizes = lengths.map((f) => {
      if (f < 0 || f > 1)
        throw new ValueError(`Fraction at index ${lengths.indexOf(f)} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    // Spread the remainder round-robin, as PyTorch does.
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((s) => s < 0 || !Number.isInteger(s))) {
    throw new ValueError(
      `randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths [${lengths.join(", ")}], dataset of ${n})`,
    );
  }
  const perm = Array.from(lt.randperm(n).dataSync() as ArrayLike<number>);
  let offset = 0;
  return sizes.map((size) => {
    const subset = new Subset(dataset, perm.slice(offset, offset + size));
    offset += size;
    return subset;
  });
}
