import { ShapeError, ValueError } from "../../tensor/errors.js";

/**
 * A float image in CHW layout: the plain-array form transforms compute on
 * (the `Transform` classes convert tensors to and from it). Pixel values are
 * floats, usually in [0, 1].
 */
export interface Image {
  data: Float32Array;
  /** [C, H, W] */
  shape: [number, number, number];
}

export type Interpolation = "nearest" | "bilinear";

function checkImage(op: string, img: Image): [number, number, number] {
  const [c, h, w] = img.shape;
  if (img.shape.length !== 3 || c * h * w !== img.data.length) {
    throw new ShapeError(
      `${op}: expected a CHW image whose shape matches its data, got shape [${img.shape.join(",")}] with ${img.data.length} values`,
    );
  }
  return [c, h, w];
}

/**
 * `(x - mean[c]) / std[c]` per channel, like torchvision's `normalize`.
 *
 * @example
 * normalize(img, [0.1307], [0.3081]);
 */
export function normalize(img: Image, mean: number[], std: number[]): Image {
  const [c, h, w] = checkImage("normalize", img);
  if (mean.length !== c || std.length !== c) {
    throw new ShapeError(
      `normalize: image has ${c} channels but mean has ${mean.length} and std ${std.length} values`,
    );
  }
  if (std.some((s) => s === 0)) {
    throw new ValueError(
      `normalize: std evaluated to zero after conversion, leading to division by zero`,
    );
  }
  const out = new Float32Array(img.data.length);
  for (let ch = 0; ch < c; ch++) {
    for (let i = ch * h * w; i < (ch + 1) * h * w; i++)
      out[i] = (img.data[i]! - mean[ch]!) / std[ch]!;
  }
  return { data: out, shape: [c, h, w] };
}

/**
 * Pads each side with a constant (torchvision `pad`, mode "constant").
 * `padding` is [left, top, right, bottom].
 */
export function pad(img: Image, padding: [number, number, number, number], fill = 0): Image {
  const [c, h, w] = checkImage("pad", img);
  const [left, top, right, bottom] = padding;
  const oh = h + top + bottom;
  const ow = w + left + right;
  const out = new Float32Array(c * oh * ow).fill(fill);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      out.set(
        img.data.subarray((ch * h + y) * w, (ch * h + y + 1) * w),
        (ch * oh + y + top) * ow + left,
      );
  return { data: out, shape: [c, oh, ow] };
}

/**
 * The `height` x `width` window whose top-left corner is (top, left);
 * parts outside the image are filled with 0 (as torchvision's `crop`).
 */
export function crop(img: Image, top: number, left: number, height: number, width: number): Image {
  const [c, h, w] = checkImage("crop", img);
  const out = new Float32Array(c * height * width);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < height; y++) {
      const sy = y + top;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < width; x++) {
        const sx = x + left;
        if (sx >= 0 && sx < w)
          out[(ch * height + y) * width + x] = img.data[(ch * h + sy) * w + sx]!;
      }
    }
  return { data: out, shape: [c, height, width] };
}

/** Mirrors left-right. */
export function hflip(img: Image): Image {
  const [c, h, w] = checkImage("hflip", img);
  const out = new Float32Array(img.data.length);
  for (let row = 0; row < c * h; row++)
    for (let x = 0; x < w; x++) out[row * w + x] = img.data[row * w + w - 1 - x]!;
  return { data: out, shape: [c, h, w] };
}

/** Mirrors top-bottom. */
export function vflip(img: Image): Image {
  const [c, h, w] = checkImage("vflip", img);
  const out = new Float32Array(img.data.length);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      out.set(img.data.subarray((ch * h + y) * w, (ch * h + y + 1) * w), (ch * h + h - 1 - y) * w);
  return { data: out, shape: [c, h, w] };
}

/**
 * Samples every channel of `img` at source positions `(sx, sy)` (pixel
 * coordinates, pixel centres at integers) the way `grid_sample` does with
 * zeros padding and align_corners=false; also returns how much of each
 * output pixel came from inside the image (the sampled "ones" mask), which
 * torchvision uses to blend in a fill colour.
 */
function sampleAt(
  img: Image,
  oh: number,
  ow: number,
  source: (x: number, y: number) => [number, number],
  mode: Interpolation,
): { data: Float32Array; mask: Float32Array } {
  const [c, h, w] = img.shape;
  const data = new Float32Array(c * oh * ow);
  const mask = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const [sx, sy] = source(x, y);
      const o = y * ow + x;
      if (mode === "nearest") {
        // grid_sample rounds half to even (nearbyint).
        const ix = roundHalfEven(sx);
        const iy = roundHalfEven(sy);
        if (ix < 0 || ix >= w || iy < 0 || iy >= h) continue;
        mask[o] = 1;
        for (let ch = 0; ch < c; ch++) data[ch * oh * ow + o] = img.data[(ch * h + iy) * w + ix]!;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const corners: Array<[number, number, number]> = [
        [x0, y0, (1 - fx) * (1 - fy)],
        [x0 + 1, y0, fx * (1 - fy)],
        [x0, y0 + 1, (1 - fx) * fy],
        [x0 + 1, y0 + 1, fx * fy],
      ];
      for (const [cx, cy, wt] of corners) {
        if (cx < 0 || cx >= w || cy < 0 || cy >= h) continue;
        mask[o]! += wt;
        for (let ch = 0; ch < c; ch++)
          data[ch * oh * ow + o]! += wt * img.data[(ch * h + cy) * w + cx]!;
      }
    }
  return { data, mask };
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Rotates counter-clockwise by `angle` degrees about the image centre,
 * keeping the size (torchvision `rotate` on tensors: the same inverse
 * affine map and `grid_sample`). Without `fill`, uncovered pixels are 0;
 * with it, torchvision blends the fill in by the sampled coverage mask —
 * which also darkens bilinear edges when `fill` is 0, as RandomRotation does.
 */
export function rotate(
  img: Image,
  angle: number,
  options: { interpolation?: Interpolation; fill?: number } = {},
): Image {
  const [c, h, w] = checkImage("rotate", img);
  const mode = options.interpolation ?? "nearest";
  const a = (angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  // Output pixel (x, y) relative to the centre maps back to R(angle)·(x, y)
  // in image coordinates whose y axis points down.
  const { data, mask } = sampleAt(
    img,
    h,
    w,
    (x, y) => {
      const u = x + 0.5 - w / 2;
      const v = y + 0.5 - h / 2;
      return [cos * u - sin * v + w / 2 - 0.5, sin * u + cos * v + h / 2 - 0.5];
    },
    mode,
  );
  const fill = options.fill;
  if (fill !== undefined) {
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) {
        const o = ch * h * w + i;
        if (mode === "nearest") {
          if (mask[i]! < 0.5) data[o] = fill;
        } else data[o] = data[o]! * mask[i]! + (1 - mask[i]!) * fill;
      }
  }
  return { data, shape: [c, h, w] };
}

/**
 * Resizes to `[height, width]` like `F.interpolate(mode, align_corners=false)`
 * without antialiasing (torchvision's tensor `resize` with `antialias=False`).
 */
export function resize(
  img: Image,
  size: [number, number],
  options: { interpolation?: Interpolation } = {},
): Image {
  const [c, h, w] = checkImage("resize", img);
  const [oh, ow] = size;
  if (!(oh > 0 && ow > 0 && Number.isInteger(oh) && Number.isInteger(ow))) {
    throw new ValueError(`resize: size must be two positive integers, got [${size.join(",")}]`);
  }
  const mode = options.interpolation ?? "bilinear";
  const scaleX = w / ow;
  const scaleY = h / oh;
  const out = new Float32Array(c * oh * ow);
  for (let y = 0; y < oh; y++) {
    if (mode === "nearest") {
      const sy = Math.min(Math.floor(y * scaleY), h - 1);
      for (let x = 0; x < ow; x++) {
        const sx = Math.min(Math.floor(x * scaleX), w - 1);
        for (let ch = 0; ch < c; ch++)
          out[(ch * oh + y) * ow + x] = img.data[(ch * h + sy) * w + sx]!;
      }
      continue;
    }
    // Source coordinate of the output pixel centre, clamped at 0 as in PyTorch.
    const sy = Math.max((y + 0.5) * scaleY - 0.5, 0);
    const y0 = Math.min(Math.floor(sy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < ow; x++) {
      const sx = Math.max((x + 0.5) * scaleX - 0.5, 0);
      const x0 = Math.min(Math.floor(sx), w - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      for (let ch = 0; ch < c; ch++) {
        const p = img.data;
        const b = ch * h * w;
        out[(ch * oh + y) * ow + x] =
          (1 - fy) * ((1 - fx) * p[b + y0 * w + x0]! + fx * p[b + y0 * w + x1]!) +
          fy * ((1 - fx) * p[b + y1 * w + x0]! + fx * p[b + y1 * w + x1]!);
      }
    }
  }
  return { data: out, shape: [c, oh, ow] };
}

/** `clamp(ratio * a + (1 - ratio) * b, 0, 1)`, torchvision's `_blend`. */
function blend(a: Float32Array, b: (i: number) => number, ratio: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++)
    out[i] = Math.min(Math.max(ratio * a[i]! + (1 - ratio) * b(i), 0), 1);
  return out;
}

/** ITU-R 601-2 luma of an RGB image, as torchvision's `rgb_to_grayscale`. */
function grayscale(img: Image): Float32Array {
  const [c, h, w] = img.shape;
  const n = h * w;
  if (c === 1) return img.data.slice();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = 0.2989 * img.data[i]! + 0.587 * img.data[n + i]! + 0.114 * img.data[2 * n + i]!;
  return out;
}

function checkColour(op: string, img: Image): [number, number, number] {
  const shape = checkImage(op, img);
  if (shape[0] !== 1 && shape[0] !== 3) {
    throw new ShapeError(
      `${op}: expected 1 or 3 channels, got ${shape[0]} (shape [${shape.join(",")}])`,
    );
  }
  return shape;
}

/** Multiplies brightness by `factor` (0 gives black, 1 the original). */
export function adjustBrightness(img: Image, factor: number): Image {
  checkColour("adjustBrightness", img);
  return { data: blend(img.data, () => 0, factor), shape: img.shape };
}

/** Blends with the mean grey level: 0 gives a flat grey image, 1 the original. */
export function adjustContrast(img: Image, factor: number): Image {
  checkColour("adjustContrast", img);
  const gray = grayscale(img);
  const mean = gray.reduce((a, b) => a + b, 0) / gray.length;
  return { data: blend(img.data, () => mean, factor), shape: img.shape };
}

/** Blends with the grayscale image: 0 gives grey, 1 the original (no-op on 1 channel). */
export function adjustSaturation(img: Image, factor: number): Image {
  const [c, h, w] = checkColour("adjustSaturation", img);
  if (c === 1) return { data: img.data.slice(), shape: img.shape };
  const gray = grayscale(img);
  return { data: blend(img.data, (i) => gray[i % (h * w)]!, factor), shape: img.shape };
}

/**
 * Shifts hue by `factor` (in [-0.5, 0.5], a fraction of the colour wheel)
 * through HSV, as torchvision's `adjust_hue` on tensors (no-op on 1 channel).
 */
export function adjustHue(img: Image, factor: number): Image {
  const [c, h, w] = checkColour("adjustHue", img);
  if (factor < -0.5 || factor > 0.5) {
    throw new ValueError(`adjustHue: hue_factor (${factor}) is not in [-0.5, 0.5].`);
  }
  if (c === 1) return { data: img.data.slice(), shape: img.shape };
  const n = h * w;
  const src = img.data;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const r = src[i]!;
    const g = src[n + i]!;
    const b = src[2 * n + i]!;
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const cr = maxc - minc;
    const eq = maxc === minc;
    const s = cr / (eq ? 1 : maxc);
    const div = eq ? 1 : cr;
    const rc = (maxc - r) / div;
    const gc = (maxc - g) / div;
    const bc = (maxc - b) / div;
    let hue: number;
    if (maxc === r) hue = bc - gc;
    else if (maxc === g) hue = 2 + rc - bc;
    else hue = 4 + gc - rc;
    hue = (((hue / 6 + 1) % 1) + factor) % 1;
    if (hue < 0) hue += 1;
    const v = maxc;
    const k = Math.floor(hue * 6);
    const f = hue * 6 - k;
    const p = clamp01(v * (1 - s));
    const q = clamp01(v * (1 - s * f));
    const t = clamp01(v * (1 - s * (1 - f)));
    const [ro, go, bo] = [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q],
    ][((k % 6) + 6) % 6]!;
    out[i] = ro!;
    out[n + i] = go!;
    out[2 * n + i] = bo!;
  }
  return { data: out, shape: img.shape };
}

function clamp01(v: number): number {
  return Math.min(Math.max(v, 0), 1);
}

/** Sets the `height` x `width` box at (top, left) of every channel to `value`. */
export function erase(
  img: Image,
  top: number,
  left: number,
  height: number,
  width: number,
  value: number | number[] = 0,
): Image {
  const [c, h, w] = checkImage("erase", img);
  const out = img.data.slice();
  for (let ch = 0; ch < c; ch++) {
    const v = typeof value === "number" ? value : value[ch % value.length]!;
    for (let y = Math.max(top, 0); y < Math.min(top + height, h); y++)
      for (let x = Math.max(left, 0); x < Math.min(left + width, w); x++)
        out[(ch * h + y) * w + x] = v;
  }
  return { data: out, shape: [c, h, w] };
}
