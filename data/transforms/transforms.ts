import * as lt from "../../tensor/index.js";
import { ShapeError, ValueError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as TF from "./functional.js";

/** Anything that maps an image tensor to an image tensor: a `Transform` or a plain function. */
export type TransformLike = ((x: Tensor) => Tensor) | Transform;

/** A serialised transform: its class name and constructor arguments. */
export interface TransformSpec {
  type: string;
  args: unknown[];
}

/** The plain-array view of a CHW float tensor that the kernels work on. */
export function toImage(op: string, x: Tensor): TF.Image {
  if (x.shape.length !== 3) {
    throw new ShapeError(
      `${op}: expected a CHW image tensor, got shape [${x.shape.join(",")}]; transforms apply to one image, before batching`,
    );
  }
  const data = x.dtype === "float32" ? x.contiguous().dataSync() : x.float().dataSync();
  return { data: data as Float32Array, shape: x.shape as [number, number, number] };
}

function fromImage(img: TF.Image): Tensor {
  return lt.tensor(img.data).reshape(img.shape);
}

function uniform(low: number, high: number): number {
  return low + (high - low) * (lt.rand([1]).itemSync() as number);
}

function randint(low: number, high: number): number {
  return Number(lt.randint(low, high, [1]).itemSync());
}

/** Calling a transform calls its `forward`. */
export interface Transform {
  // biome-ignore lint/style/useShorthandFunctionType: merges with the class below (a type alias cannot)
  (x: Tensor): Tensor;
}

/**
 * Base class of the image transforms (torchvision.transforms, tensor
 * path): each is callable on a CHW float tensor, draws its random
 * parameters from lectern's generator (so `lt.manualSeed` reproduces an
 * augmentation), and remembers its constructor arguments so a DataLoader
 * worker thread can rebuild it.
 *
 * @example
 * const augment = new data.Compose([new data.RandomHorizontalFlip(), new data.RandomCrop(32, { padding: 4 })]);
 * const y = augment(x); // x: [3, 32, 32]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface adds the call signature the constructor provides
export abstract class Transform {
  declare protected readonly args: unknown[];

  constructor(...args: unknown[]) {
    const fn = ((x: Tensor) => (fn as unknown as Transform).forward(x)) as unknown as Transform;
    Object.setPrototypeOf(fn, new.target.prototype);
    Object.defineProperty(fn, "args", { value: args });
    // biome-ignore lint/correctness/noConstructorReturn: makes instances callable like torchvision transforms
    return fn;
  }

  abstract forward(x: Tensor): Tensor;

  /** The class name and arguments, or undefined when an argument is a plain function. */
  toSpec(): TransformSpec | undefined {
    const args: unknown[] = [];
    for (const a of this.args) {
      if (Array.isArray(a) && a.some((t) => typeof t === "function" && !(t instanceof Transform)))
        return undefined;
      if (Array.isArray(a) && a.every((t) => t instanceof Transform)) {
        const specs = a.map((t: Transform) => t.toSpec());
        if (specs.some((s) => s === undefined)) return undefined;
        args.push({ transforms: specs });
      } else if (typeof a === "function") return undefined;
      else args.push(a);
    }
    return { type: this.constructor.name, args };
  }

  toString(): string {
    return `${this.constructor.name}(${this.args.map((a) => JSON.stringify(a)).join(", ")})`;
  }
}

/**
 * Applies transforms in order (`Compose`); plain functions may be mixed in.
 *
 * @example
 * const t = new data.Compose([new data.RandomHorizontalFlip(), new data.Normalize([0.5], [0.5])]);
 */
export class Compose extends Transform {
  readonly transforms: TransformLike[];

  constructor(transforms: TransformLike[]) {
    super(transforms);
    this.transforms = transforms;
  }

  forward(x: Tensor): Tensor {
    for (const t of this.transforms) x = t(x);
    return x;
  }
}

/**
 * `(x - mean) / std` per channel (`Normalize`).
 *
 * @example
 * new data.Normalize([0.2860], [0.3530]); // Fashion-MNIST's statistics
 */
export class Normalize extends Transform {
  constructor(
    readonly mean: number[],
    readonly std: number[],
  ) {
    super(mean, std);
  }

  forward(x: Tensor): Tensor {
    return fromImage(TF.normalize(toImage("Normalize", x), this.mean, this.std));
  }
}

function pairOf(op: string, size: number | [number, number]): [number, number] {
  const pair: [number, number] = typeof size === "number" ? [size, size] : size;
  if (!pair.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ValueError(
      `${op}: size must be a positive integer or two of them, got ${JSON.stringify(size)}`,
    );
  }
  return pair;
}

export interface RandomCropOptions {
  /** Border added first: one number for all sides, [left/right, top/bottom] or [left, top, right, bottom]. */
  padding?: number | [number, number] | [number, number, number, number];
  /** Pad images smaller than the crop. */
  padIfNeeded?: boolean;
  fill?: number;
}

/**
 * Pads, then crops a random `size` window (`RandomCrop`) — CIFAR's
 * classic `RandomCrop(32, { padding: 4 })`.
 *
 * @example
 * const crop = new data.RandomCrop(28, { padding: 2 });
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: [number, number, number, number];
  readonly padIfNeeded: boolean;
  readonly fill: number;

  constructor(size: number | [number, number], options: RandomCropOptions = {}) {
    super(size, options);
    this.size = pairOf("RandomCrop", size);
    const p = options.padding ?? 0;
    this.padding =
      typeof p === "number" ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p;
    this.padIfNeeded = options.padIfNeeded ?? false;
    this.fill = options.fill ?? 0;
  }

  forward(x: Tensor): Tensor {
    let img = toImage("RandomCrop", x);
    if (this.padding.some((p) => p !== 0)) img = TF.pad(img, this.padding, this.fill);
    const [th, tw] = this.size;
    if (this.padIfNeeded && img.shape[2] < tw) {
      const d = tw - img.shape[2];
      img = TF.pad(img, [d, 0, d, 0], this.fill);
    }
    if (this.padIfNeeded && img.shape[1] < th) {
      const d = th - img.shape[1];
      img = TF.pad(img, [0, d, 0, d], this.fill);
    }
    const [, h, w] = img.shape;
    if (h < th || w < tw) {
      throw new ValueError(
        `RandomCrop: required crop size [${th}, ${tw}] is larger than the input image size [${h}, ${w}]`,
      );
    }
    const top = randint(0, h - th + 1);
    const left = randint(0, w - tw + 1);
    return fromImage(TF.crop(img, top, left, th, tw));
  }
}

/**
 * Crops the central `size` window (`CenterCrop`).
 *
 * @example
 * new data.CenterCrop(24);
 */
export class CenterCrop extends Transform {
  readonly size: [number, number];

  constructor(size: number | [number, number]) {
    super(size);
    this.size = pairOf("CenterCrop", size);
  }

  forward(x: Tensor): Tensor {
    const img = toImage("CenterCrop", x);
    const [th, tw] = this.size;
    // torchvision rounds half to even (Python's round).
    const top = roundHalfEven((img.shape[1] - th) / 2);
    const left = roundHalfEven((img.shape[2] - tw) / 2);
    return fromImage(TF.crop(img, top, left, th, tw));
  }
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Mirrors left-right with probability `p` (`RandomHorizontalFlip`).
 *
 * @example
 * new data.RandomHorizontalFlip(0.5);
 */
export class RandomHorizontalFlip extends Transform {
  constructor(readonly p = 0.5) {
    super(p);
  }

  forward(x: Tensor): Tensor {
    const flip = (lt.rand([1]).itemSync() as number) < this.p;
    return flip ? fromImage(TF.hflip(toImage("RandomHorizontalFlip", x))) : x;
  }
}

/**
 * Mirrors top-bottom with probability `p` (`RandomVerticalFlip`).
 *
 * @example
 * new data.RandomVerticalFlip(0.5);
 */
export class RandomVerticalFlip extends Transform {
  constructor(readonly p = 0.5) {
    super(p);
  }

  forward(x: Tensor): Tensor {
    const flip = (lt.rand([1]).itemSync() as number) < this.p;
    return flip ? fromImage(TF.vflip(toImage("RandomVerticalFlip", x))) : x;
  }
}

/**
 * Rotates by an angle drawn uniformly from `[-degrees, degrees]` (or the
 * given range) about the centre (`RandomRotation`).
 *
 * @example
 * new data.RandomRotation(15, { interpolation: "bilinear" });
 */
export class RandomRotation extends Transform {
  readonly degrees: [number, number];
  readonly interpolation: TF.Interpolation;
  readonly fill: number;

  constructor(
    degrees: number | [number, number],
    options: { interpolation?: TF.Interpolation; fill?: number } = {},
  ) {
    super(degrees, options);
    if (typeof degrees === "number" && degrees < 0) {
      throw new ValueError("If degrees is a single number, it must be positive.");
    }
    this.degrees = typeof degrees === "number" ? [-degrees, degrees] : degrees;
    this.interpolation = options.interpolation ?? "nearest";
    this.fill = options.fill ?? 0;
  }

  forward(x: Tensor): Tensor {
    const angle = uniform(this.degrees[0], this.degrees[1]);
    return fromImage(
      TF.rotate(toImage("RandomRotation", x), angle, {
        interpolation: this.interpolation,
        fill: this.fill,
      }),
    );
  }
}

export interface ColorJitterOptions {
  /** Brightness factor drawn from [max(0, 1 - b), 1 + b] (or the given range). */
  brightness?: number | [number, number];
  contrast?: number | [number, number];
  saturation?: number | [number, number];
  /** Hue shift drawn from [-h, h], h <= 0.5. */
  hue?: number | [number, number];
}

function jitterRange(
  name: string,
  v: number | [number, number] | undefined,
  center: number,
  bound: [number, number],
): [number, number] | undefined {
  if (v === undefined) return undefined;
  let range: [number, number];
  if (typeof v === "number") {
    if (v < 0) throw new ValueError(`If ${name} is a single number, it must be non negative.`);
    range = [center - v, center + v];
    if (name !== "hue") range[0] = Math.max(range[0], 0);
  } else range = v;
  if (range[0] < bound[0] || range[1] > bound[1] || range[0] > range[1]) {
    throw new ValueError(
      `${name} values should be between [${bound[0]}, ${bound[1]}], but got [${range.join(", ")}].`,
    );
  }
  return range[0] === center && range[1] === center ? undefined : range;
}

/**
 * Randomly changes brightness, contrast, saturation and hue, in a random
 * order (`ColorJitter`).
 *
 * @example
 * new data.ColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export class ColorJitter extends Transform {
  readonly ranges: Array<[number, number] | undefined>;

  constructor(options: ColorJitterOptions = {}) {
    super(options);
    this.ranges = [
      jitterRange("brightness", options.brightness, 1, [0, Number.POSITIVE_INFINITY]),
      jitterRange("contrast", options.contrast, 1, [0, Number.POSITIVE_INFINITY]),
      jitterRange("saturation", options.saturation, 1, [0, Number.POSITIVE_INFINITY]),
      jitterRange("hue", options.hue, 0, [-0.5, 0.5]),
    ];
  }

  forward(x: Tensor): Tensor {
    let img = toImage("ColorJitter", x);
    const order = Array.from(lt.randperm(4).dataSync() as ArrayLike<number>);
    // torchvision draws every factor before applying any.
    const factors = this.ranges.map((r) => (r === undefined ? undefined : uniform(r[0], r[1])));
    const ops = [TF.adjustBrightness, TF.adjustContrast, TF.adjustSaturation, TF.adjustHue];
    for (const i of order) {
      const f = factors[i];
      if (f !== undefined) img = ops[i]!(img, f);
    }
    return fromImage(img);
  }
}

export interface RandomErasingOptions {
  /** Probability of erasing (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: [number, number];
  /** Range of the box's aspect ratio (default [0.3, 3.3]). */
  ratio?: [number, number];
  /** Fill value, one per channel, or "random" for normal noise (default 0). */
  value?: number | number[] | "random";
}

/**
 * Erases a random box (Zhong et al., 2017; `RandomErasing`). Apply it after
 * normalisation, as torchvision recommends.
 *
 * @example
 * new data.RandomErasing({ p: 0.5, value: 0 });
 */
export class RandomErasing extends Transform {
  readonly p: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number | number[] | "random";

  constructor(options: RandomErasingOptions = {}) {
    super(options);
    this.p = options.p ?? 0.5;
    this.scale = options.scale ?? [0.02, 0.33];
    this.ratio = options.ratio ?? [0.3, 3.3];
    this.value = options.value ?? 0;
    if (this.p < 0 || this.p > 1)
      throw new ValueError("Random erasing probability should be between 0 and 1");
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) {
      throw new ValueError("Scale and ratio should be of kind (min, max)");
    }
    if (this.scale[0] < 0 || this.scale[1] > 1)
      throw new ValueError("Scale should be between 0 and 1");
  }

  forward(x: Tensor): Tensor {
    if ((lt.rand([1]).itemSync() as number) >= this.p) return x;
    const img = toImage("RandomErasing", x);
    const [c, h, w] = img.shape;
    const area = h * w;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])] as const;
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(uniform(logRatio[0], logRatio[1]));
      const eh = Math.round(Math.sqrt(eraseArea * aspect));
      const ew = Math.round(Math.sqrt(eraseArea / aspect));
      if (!(eh < h && ew < w)) continue;
      const value =
        this.value === "random"
          ? Array.from(lt.randn([c * eh * ew]).dataSync() as Float32Array)
          : this.value;
      const top = randint(0, h - eh + 1);
      const left = randint(0, w - ew + 1);
      if (this.value === "random") {
        const out = img.data.slice();
        const noise = value as number[];
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < eh; y++)
            for (let xx = 0; xx < ew; xx++)
              out[(ch * h + top + y) * w + left + xx] = noise[(ch * eh + y) * ew + xx]!;
        return fromImage({ data: out, shape: img.shape });
      }
      return fromImage(TF.erase(img, top, left, eh, ew, value as number | number[]));
    }
    return x;
  }
}

/**
 * Resizes to `[height, width]`, or scales the shorter side to `size`
 * keeping the aspect ratio (`Resize`, without antialiasing).
 *
 * @example
 * new data.Resize([32, 32]);
 */
export class Resize extends Transform {
  readonly size: number | [number, number];
  readonly interpolation: TF.Interpolation;

  constructor(size: number | [number, number], options: { interpolation?: TF.Interpolation } = {}) {
    super(size, options);
    this.size = size;
    this.interpolation = options.interpolation ?? "bilinear";
  }

  forward(x: Tensor): Tensor {
    const img = toImage("Resize", x);
    const [, h, w] = img.shape;
    let target: [number, number];
    if (typeof this.size === "number") {
      const s = this.size;
      target = h <= w ? [s, Math.trunc((s * w) / h)] : [Math.trunc((s * h) / w), s];
    } else target = this.size;
    return fromImage(TF.resize(img, target, { interpolation: this.interpolation }));
  }
}

const TRANSFORMS: Record<string, new (...args: any[]) => Transform> = {
  CenterCrop,
  ColorJitter,
  Compose,
  Normalize,
  RandomCrop,
  RandomErasing,
  RandomHorizontalFlip,
  RandomRotation,
  RandomVerticalFlip,
  Resize,
};

/** Rebuilds a transform from `toSpec()` (used by DataLoader worker threads). */
export function transformFromSpec(spec: TransformSpec): Transform {
  const Cls = TRANSFORMS[spec.type];
  if (Cls === undefined) throw new ValueError(`transformFromSpec: unknown transform ${spec.type}`);
  const args = spec.args.map((a) =>
    a !== null && typeof a === "object" && "transforms" in a
      ? (a as { transforms: TransformSpec[] }).transforms.map(transformFromSpec)
      : a,
  );
  return new Cls(...args);
}

/** The spec of a transform for a worker, or undefined if it cannot be rebuilt there. */
export function specOf(t: TransformLike | undefined): TransformSpec | null | undefined {
  if (t === undefined) return null;
  return t instanceof Transform ? t.toSpec() : undefined;
}
