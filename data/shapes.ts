import * as lt from "../tensor/index.js";
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Dataset } from "./dataset.js";

export const SHAPE_CLASSES = ["background", "circle", "square", "triangle"];

export interface ShapesOptions {
  /** Number of images (default 200). */
  n?: number;
  /** Image side in pixels (default 32). */
  size?: number;
  /** Most shapes per image; each image has 1..maxShapes (default 3). */
  maxShapes?: number;
  /** Standard deviation of the Gaussian pixel noise (default 0.05). */
  noise?: number;
}

/** Whether pixel centre (x, y) lies inside the shape of class k centred at (cx, cy) with radius r. */
function inside(k: number, x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  if (k === 1) return dx * dx + dy * dy <= r * r;
  if (k === 2) return Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8;
  // An upright triangle: apex at (cx, cy - r), base at y = cy + r.
  return dy <= r && dy >= -r && Math.abs(dx) <= (dy + r) / 2;
}

/**
 * Grey images of circles, squares and triangles with per-pixel class masks,
 * for segmentation (the U-Net lecture). Item `i` is `[image, mask]`: a
 * float32 [1, size, size] image and an int32 [size, size] mask with
 * 0 = background, 1 = circle, 2 = square, 3 = triangle (later shapes cover
 * earlier ones). Generated once from lectern's generator (`lt.manualSeed`).
 *
 * @example
 * lt.manualSeed(0);
 * const shapes = new data.ShapesDataset({ n: 100, size: 32 });
 * const [image, mask] = shapes.getItem(0);
 */
export class ShapesDataset extends Dataset<[Tensor, Tensor]> {
  readonly images: Float32Array;
  readonly masks: Int32Array;
  readonly size: number;
  readonly classes = SHAPE_CLASSES;

  constructor({ n = 200, size = 32, maxShapes = 3, noise = 0.05 }: ShapesOptions = {}) {
    super();
    if (!(Number.isInteger(n) && n > 0))
      throw new ValueError(`ShapesDataset: n must be a positive integer, got ${n}`);
    if (!(Number.isInteger(size) && size >= 8))
      throw new ValueError(`ShapesDataset: size must be an integer >= 8, got ${size}`);
    if (!(Number.isInteger(maxShapes) && maxShapes >= 1)) {
      throw new ValueError(`ShapesDataset: maxShapes must be a positive integer, got ${maxShapes}`);
    }
    this.size = size;
    const pixels = size * size;
    // Five numbers per shape (class, centre x, centre y, radius, intensity) plus a count per image.
    const params = lt.rand([n, 1 + 5 * maxShapes]).dataSync() as Float32Array;
    const stride = 1 + 5 * maxShapes;
    this.masks = new Int32Array(n * pixels);
    const clean = new Float32Array(n * pixels);
    for (let i = 0; i < n; i++) {
      const count = 1 + Math.floor(params[i * stride]! * maxShapes);
      for (let s = 0; s < count; s++) {
        const [u, v, w, z, b] = params.subarray(i * stride + 1 + 5 * s, i * stride + 6 + 5 * s);
        const k = 1 + Math.floor(u! * 3);
        const r = size * (0.1 + 0.15 * z!);
        const cx = r + v! * (size - 2 * r);
        const cy = r + w! * (size - 2 * r);
        const intensity = 0.5 + 0.5 * b!;
        for (let y = 0; y < size; y++)
          for (let x = 0; x < size; x++) {
            if (!inside(k, x + 0.5, y + 0.5, cx, cy, r)) continue;
            this.masks[i * pixels + y * size + x] = k;
            clean[i * pixels + y * size + x] = intensity;
          }
      }
    }
    const jitter = noise > 0 ? (lt.randn([n * pixels]).dataSync() as Float32Array) : undefined;
    this.images = clean.map((v, j) => v + (jitter ? noise * jitter[j]! : 0));
  }

  get length(): number {
    return this.masks.length / (this.size * this.size);
  }

  getItem(index: number): [Tensor, Tensor] {
    const pixels = this.size * this.size;
    const at = index * pixels;
    return [
      lt.tensor(this.images.slice(at, at + pixels)).reshape([1, this.size, this.size]),
      lt.tensor(this.masks.slice(at, at + pixels)).reshape([this.size, this.size]),
    ];
  }
}
