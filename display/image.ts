/**
 * Tensors as pictures: single images (`image`), batches as a grid like
 * torchvision's `make_grid` (`grid`), convolution filters (`filters`),
 * the activations of every layer (`featureMaps`) and saliency maps. All are
 * PNG-encoded with nearest-neighbour enlargement, so a 28x28 digit stays
 * crisp; labelled layouts are SVG (text + embedded PNG), which nbconvert and
 * GitHub render as they are.
 */
import { ShapeError, ValueError } from "../tensor/errors.js";
import type { MimeBundle } from "./channel.js";
import { type ColorScale, type ColorScaleName, colorAt, scaleOf } from "./colormap.js";
import { base64, DISPLAY, type Displayable, escapeHtml } from "./mime.js";
import { autoScaleFactor, encodePng, type Pixels, upscale } from "./png.js";
import { extent, isTensorLike, readValuesAsync, type TensorLike, type Values } from "./values.js";

/** How values map to intensities: `"auto"` keeps [0, 1] (or 0-255 integers) and min-max scales anything else. */
export type ImageRange = "auto" | "minmax" | [number, number];

/** Options for `display.image`. */
export interface ImageOptions {
  /** Channel order of a 3-D tensor; default: CHW unless only the last dim looks like channels. */
  layout?: "CHW" | "HWC";
  range?: ImageRange;
  /** Colour map for single-channel images (default gray). */
  cmap?: ColorScaleName | ColorScale;
  /** Integer enlargement (default: up to at least 128 px). */
  scale?: number;
  title?: string;
}

/** An image as floats in [0, 1], channels last. */
interface FloatImage {
  height: number;
  width: number;
  channels: number;
  data: Float64Array;
}

function isIntDtype(x: unknown): boolean {
  return isTensorLike(x) && /^u?int/.test(x.dtype);
}

/** Shape handling: [H,W], [C,H,W], [H,W,C], [1,C,H,W] → channels-last floats (unscaled). */
function toChannelsLast(op: string, v: Values, layout?: "CHW" | "HWC"): FloatImage {
  let shape = v.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2)
    return { height: shape[0]!, width: shape[1]!, channels: 1, data: Float64Array.from(v.data) };
  if (shape.length !== 3) {
    throw new ShapeError(
      `${op}: expected an image of shape [H, W], [C, H, W] or [H, W, C], got [${v.shape.join(", ")}]` +
        (shape.length === 4 ? "; use display.grid for a batch" : ""),
    );
  }
  const chans = (n: number) => n === 1 || n === 3 || n === 4;
  const hwc = layout === "HWC" || (layout === undefined && !chans(shape[0]!) && chans(shape[2]!));
  const [c, h, w] = hwc ? [shape[2]!, shape[0]!, shape[1]!] : [shape[0]!, shape[1]!, shape[2]!];
  if (!chans(c)) {
    throw new ShapeError(
      `${op}: an image needs 1, 3 or 4 channels, got ${c} in shape [${v.shape.join(", ")}] (${hwc ? "HWC" : "CHW"})`,
    );
  }
  if (hwc) return { height: h, width: w, channels: c, data: Float64Array.from(v.data) };
  const data = new Float64Array(h * w * c);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h * w; i++) data[i * c + ch] = v.data[ch * h * w + i]!;
  return { height: h, width: w, channels: c, data };
}

/** The [lo, hi] that maps to black..white, and a note when it was chosen automatically. */
function resolveRange(
  data: ArrayLike<number>,
  range: ImageRange,
  integer: boolean,
): { lo: number; hi: number; note: string } {
  if (Array.isArray(range))
    return { lo: range[0], hi: range[1], note: `values [${range[0]}, ${range[1]}]` };
  const [min, max] = extent(data);
  if (range === "minmax")
    return { lo: min, hi: max, note: `min-max scaled from [${fmt(min)}, ${fmt(max)}]` };
  if (integer) return { lo: 0, hi: 255, note: "values 0-255" };
  if (min >= 0 && max <= 1) return { lo: 0, hi: 1, note: "values [0, 1]" };
  return { lo: min, hi: max, note: `min-max scaled from [${fmt(min)}, ${fmt(max)}]` };
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** Floats → 8-bit pixels through [lo, hi]; single channels optionally colour-mapped. */
function toPixels(img: FloatImage, lo: number, hi: number, cmap?: ColorScale): Pixels {
  const n = img.height * img.width;
  const span = hi > lo ? hi - lo : 1;
  const unit = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, (x - lo) / span)) : 0);
  if (img.channels === 1 && cmap) {
    const data = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) data.set(colorAt(cmap, unit(img.data[i]!)), i * 3);
    return { width: img.width, height: img.height, channels: 3, data };
  }
  const data = new Uint8Array(n * img.channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(unit(img.data[i]!) * 255);
  return { width: img.width, height: img.height, channels: img.channels as 1 | 3 | 4, data };
}

function pngBundle(px: Pixels, scale: number | undefined, text: string): MimeBundle {
  const big = upscale(px, scale ?? autoScaleFactor(px.width, px.height));
  return { "image/png": base64(encodePng(big)), "text/plain": text };
}

/** A displayable whose bundle may need to read tensors back from the GPU. */
function lazy(make: () => Promise<MimeBundle>): Displayable {
  return { [DISPLAY]: make };
}

/**
 * One image from a tensor or nested array: [H, W] gray, [C, H, W] or
 * [H, W, C] with 1, 3 or 4 channels. Floats in [0, 1] and integers 0-255 show
 * as they are; other ranges are min-max scaled (or pass `range`).
 *
 * @example
 * display.image(mnist.get(0)[0]);                          // [1, 28, 28] floats
 * display.image(rgb, { layout: "HWC", range: [-1, 1] });   // GAN output
 * display.image(activation, { cmap: "viridis" });
 */
export function image(
  t: TensorLike | number[][] | number[][][],
  options: ImageOptions = {},
): Displayable {
  return lazy(async () => {
    const v = await readValuesAsync("image", t);
    const img = toChannelsLast("image", v, options.layout);
    const { lo, hi, note } = resolveRange(img.data, options.range ?? "auto", isIntDtype(t));
    const px = toPixels(img, lo, hi, options.cmap ? scaleOf(options.cmap) : undefined);
    const kind = img.channels === 1 ? "gray" : img.channels === 3 ? "RGB" : "RGBA";
    const title = options.title ? `${options.title}: ` : "";
    return pngBundle(
      px,
      options.scale,
      `<${title}image ${img.width}x${img.height} ${kind}, ${note}>`,
    );
  });
}

/** Options for `display.grid`. */
export interface GridOptions {
  /** Images per row (torchvision's default 8). */
  nrow?: number;
  /** Pixels between and around images (default 2). */
  padding?: number;
  /** Min-max scale the whole batch to [0, 1] (torchvision `normalize`). */
  normalize?: boolean;
  /** With `normalize`, scale each image on its own. */
  scaleEach?: boolean;
  range?: [number, number];
  /** Padding intensity in [0, 1] (default 0, black). */
  padValue?: number;
  /** A caption under each image (class names, predictions). */
  labels?: (string | number)[];
  cmap?: ColorScaleName | ColorScale;
  scale?: number;
  title?: string;
}

interface Batch {
  images: FloatImage[];
  integer: boolean;
}

async function readBatch(
  op: string,
  batch: TensorLike | TensorLike[] | number[][][] | number[][][][],
): Promise<Batch> {
  if (Array.isArray(batch) && batch.length > 0 && isTensorLike(batch[0])) {
    const list = batch as TensorLike[];
    const images = await Promise.all(
      list.map(async (t) => toChannelsLast(op, await readValuesAsync(op, t))),
    );
    return { images, integer: isIntDtype(list[0]) };
  }
  const v = await readValuesAsync(op, batch);
  if (v.shape.length !== 3 && v.shape.length !== 4) {
    throw new ShapeError(
      `${op}: expected a batch of shape [B, C, H, W] or [B, H, W], got [${v.shape.join(", ")}]`,
    );
  }
  const [b, ...rest] = v.shape as [number, ...number[]];
  const size = rest.reduce((x, y) => x * y, 1);
  const images = Array.from({ length: b }, (_, i) =>
    toChannelsLast(
      op,
      {
        shape: rest,
        data: Array.prototype.slice.call(v.data, i * size, (i + 1) * size) as number[],
      },
      rest.length === 3 ? "CHW" : undefined,
    ),
  );
  return { images, integer: isIntDtype(batch) };
}

/**
 * torchvision's make_grid placement: cell (x, y) starts at
 * (x*(W+p) + p, y*(H+p+extra) + p); `extra` rows under each image hold captions.
 */
function composeGrid(
  images: FloatImage[],
  nrow: number,
  padding: number,
  padValue: number,
  extra = 0,
): FloatImage {
  const { height: h, width: w, channels: c } = images[0]!;
  for (const im of images) {
    if (im.height !== h || im.width !== w || im.channels !== c) {
      throw new ShapeError(
        `grid: every image needs the same shape; got ${c}x${h}x${w} and ${im.channels}x${im.height}x${im.width}`,
      );
    }
  }
  const xmaps = Math.min(nrow, images.length);
  const ymaps = Math.ceil(images.length / xmaps);
  const W = xmaps * (w + padding) + padding;
  const H = ymaps * (h + padding + extra) + padding;
  const data = new Float64Array(W * H * c).fill(padValue);
  images.forEach((im, k) => {
    const x0 = (k % xmaps) * (w + padding) + padding;
    const y0 = Math.floor(k / xmaps) * (h + padding + extra) + padding;
    for (let y = 0; y < h; y++)
      data.set(im.data.subarray(y * w * c, (y + 1) * w * c), ((y0 + y) * W + x0) * c);
  });
  return { height: H, width: W, channels: c, data };
}

function scaleImage(im: FloatImage, lo: number, hi: number): FloatImage {
  const span = hi > lo ? hi - lo : 1;
  return { ...im, data: im.data.map((x) => (x - lo) / span) };
}

/** An SVG with one PNG and text captions, so labels survive in static renderers. */
function captionedSvg(
  png: Uint8Array,
  width: number,
  height: number,
  captions: { x: number; y: number; text: string }[],
  captionColor: string,
  title?: string,
): string {
  const top = title ? 24 : 0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top}" viewBox="0 0 ${width} ${height + top}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    title
      ? `<text x="${width / 2}" y="17" text-anchor="middle" font-size="14" font-family="Helvetica, Arial, sans-serif">${escapeHtml(title)}</text>`
      : "",
    `<image x="0" y="${top}" width="${width}" height="${height}" style="image-rendering:pixelated" href="data:image/png;base64,${base64(png)}"/>`,
    ...captions.map(
      (c) =>
        `<text x="${c.x.toFixed(1)}" y="${(c.y + top).toFixed(1)}" text-anchor="middle" font-size="11" fill="${captionColor}" font-family="Helvetica, Arial, sans-serif">${escapeHtml(c.text)}</text>`,
    ),
    "</svg>",
  ];
  return parts.join("");
}

/**
 * A batch of images in a grid, like torchvision's `make_grid` (same
 * placement, padding and `normalize`), optionally captioned.
 *
 * @example
 * const [x, y] = await loader.next();
 * display.grid(x.slice(0, 0, 32), { nrow: 8, labels: y.arraySync().map((i) => classes[i]) });
 * display.grid(generator(z), { normalize: true, title: "epoch 10 samples" });
 */
export function grid(
  batch: TensorLike | TensorLike[] | number[][][] | number[][][][],
  options: GridOptions = {},
): Displayable {
  return lazy(async () => {
    const { images, integer } = await readBatch("grid", batch);
    if (images.length === 0) throw new ValueError("grid: the batch is empty");
    const nrow = options.nrow ?? 8;
    const padding = options.padding ?? 2;
    if (!Number.isInteger(nrow) || nrow < 1)
      throw new ValueError(`grid: nrow must be a positive integer, got ${nrow}`);
    if (options.labels && options.labels.length !== images.length) {
      throw new ShapeError(`grid: ${options.labels.length} labels for ${images.length} images`);
    }
    let scaled = images;
    let note: string;
    if (options.normalize && options.scaleEach) {
      scaled = images.map((im) => scaleImage(im, ...extent(im.data)));
      note = "each image min-max scaled";
    } else {
      const all = new Float64Array(images.reduce((n, im) => n + im.data.length, 0));
      let o = 0;
      for (const im of images) {
        all.set(im.data, o);
        o += im.data.length;
      }
      const r = resolveRange(
        all,
        options.range ?? (options.normalize ? "minmax" : "auto"),
        integer,
      );
      scaled = images.map((im) => scaleImage(im, r.lo, r.hi));
      note = r.note;
    }
    const { height: h, width: w, channels: c } = images[0]!;
    const xmaps = Math.min(nrow, images.length);
    const factor = options.scale ?? autoScaleFactor(w * xmaps, h, 256);
    // Captions need ~14 screen pixels under each image, in source pixels after upscaling.
    const extra = options.labels ? Math.ceil(14 / factor) : 0;
    const padValue = options.padValue ?? 0;
    const g = composeGrid(scaled, nrow, padding, padValue, extra);
    const big = upscale(
      toPixels(g, 0, 1, options.cmap ? scaleOf(options.cmap) : undefined),
      factor,
    );
    const png = encodePng(big);
    const text = `<grid of ${images.length} images ${c}x${h}x${w}, ${xmaps} per row, ${note}>${
      options.labels ? `\nlabels: ${options.labels.join(", ")}` : ""
    }`;
    const bundle: MimeBundle = {
      "image/png": base64(png),
      "text/plain": options.title ? `${options.title}\n${text}` : text,
    };
    if (options.labels || options.title) {
      const captions = (options.labels ?? []).map((label, k) => ({
        x: ((k % xmaps) * (w + padding) + padding + w / 2) * factor,
        y: (Math.floor(k / xmaps) * (h + padding + extra) + padding + h) * factor + 12,
        text: String(label),
      }));
      bundle["image/svg+xml"] = captionedSvg(
        png,
        big.width,
        big.height,
        captions,
        padValue < 0.5 ? "#ffffff" : "#000000",
        options.title,
      );
    }
    return bundle;
  });
}

/**
 * Convolution kernels as images, one per output channel: RGB when the layer
 * reads 3 channels (first layers of image models), otherwise one input
 * channel (`channel`, default 0) in a diverging map (blue < 0 < red).
 *
 * @example
 * display.filters(model.conv1.weight, { nrow: 8 });
 */
export function filters(
  weight: TensorLike | number[][][][],
  options: { nrow?: number; channel?: number; scale?: number; title?: string } = {},
): Displayable {
  return lazy(async () => {
    const v = await readValuesAsync("filters", weight);
    if (v.shape.length !== 4) {
      throw new ShapeError(
        `filters: expected a conv weight [out, in, kH, kW], got [${v.shape.join(", ")}]`,
      );
    }
    const [out, inC, kh, kw] = v.shape as [number, number, number, number];
    const ch = options.channel ?? 0;
    if (inC !== 3 && (ch < 0 || ch >= inC))
      throw new ValueError(`filters: channel ${ch} is out of range for ${inC} input channels`);
    const size = kh * kw;
    const images: FloatImage[] = [];
    for (let o = 0; o < out; o++) {
      const base = o * inC * size;
      if (inC === 3) {
        const im = toChannelsLast(
          "filters",
          {
            shape: [3, kh, kw],
            data: Array.prototype.slice.call(v.data, base, base + 3 * size) as number[],
          },
          "CHW",
        );
        images.push(scaleImage(im, ...extent(im.data)));
      } else {
        const plane = Float64Array.from(
          Array.prototype.slice.call(v.data, base + ch * size, base + (ch + 1) * size) as number[],
        );
        const bound = Math.max(1e-12, ...Array.from(plane, Math.abs));
        images.push({
          height: kh,
          width: kw,
          channels: 1,
          data: plane.map((x) => 0.5 + x / (2 * bound)),
        });
      }
    }
    const nrow = options.nrow ?? Math.min(8, out);
    const g = composeGrid(images, nrow, 1, inC === 3 ? 1 : 0.5);
    const px = toPixels(g, 0, 1, inC === 3 ? undefined : scaleOf("rdbu"));
    const what = inC === 3 ? "RGB" : `input channel ${ch} of ${inC}`;
    const title = options.title ? `${options.title}: ` : "";
    return pngBundle(
      px,
      options.scale ?? autoScaleFactor(g.width, g.height, 320),
      `<${title}${out} filters ${kh}x${kw}, ${what}>`,
    );
  });
}

/** The parts of an `nn.Module` that `featureMaps` uses. */
export interface HookableModule {
  namedModules(): [string, HookableModule][];
  registerForwardHook(hook: (module: unknown, args: unknown[], output: unknown) => unknown): {
    remove(): void;
  };
}

/**
 * Runs `model(input)` once and shows the activations of its layers: one
 * grid per layer, each channel scaled on its own in viridis. By default every
 * submodule whose output is image-like ([N, C, H, W] or [C, H, W]); `layers`
 * picks by name (`"features.0"`, `"conv1"`).
 *
 * @example
 * display.featureMaps(lenet, x.slice(0, 0, 1), { layers: ["conv1", "conv2"], maxChannels: 8 });
 */
export function featureMaps(
  model: HookableModule & ((input: any) => unknown),
  input: unknown,
  options: { layers?: string[]; maxChannels?: number; nrow?: number } = {},
): Displayable {
  const named = model.namedModules().filter(([name]) => name !== "");
  const wanted = options.layers ?? named.map(([n]) => n);
  const byName = new Map(named);
  for (const name of wanted) {
    if (!byName.has(name)) {
      throw new ValueError(
        `featureMaps: the model has no submodule "${name}"; it has ${named.map(([n]) => n).join(", ")}`,
      );
    }
  }
  const captured: [string, TensorLike][] = [];
  const handles = wanted.map((name) =>
    byName.get(name)!.registerForwardHook((_m, _args, output) => {
      if (isTensorLike(output) && (output.shape.length === 4 || output.shape.length === 3))
        captured.push([name, output]);
    }),
  );
  try {
    model(input);
  } finally {
    for (const h of handles) h.remove();
  }
  if (captured.length === 0)
    throw new ValueError(
      "featureMaps: no selected layer produced an image-like output [N, C, H, W]",
    );
  const maxChannels = options.maxChannels ?? 16;
  return lazy(async () => {
    const sections: { title: string; png: Uint8Array; width: number; height: number }[] = [];
    for (const [name, out] of captured) {
      const v = await readValuesAsync("featureMaps", out);
      const [c, h, w] = (v.shape.length === 4 ? v.shape.slice(1) : v.shape) as [
        number,
        number,
        number,
      ];
      const shown = Math.min(c, maxChannels);
      const images = Array.from({ length: shown }, (_, k) => {
        const plane = Float64Array.from(
          Array.prototype.slice.call(v.data, k * h * w, (k + 1) * h * w) as number[],
        );
        return scaleImage({ height: h, width: w, channels: 1, data: plane }, ...extent(plane));
      });
      const g = composeGrid(images, options.nrow ?? Math.min(8, shown), 1, 1);
      const big = upscale(
        toPixels(g, 0, 1, scaleOf("viridis")),
        autoScaleFactor(g.width, g.height, 256),
      );
      sections.push({
        title: `${name}: [${v.shape.join(", ")}]${shown < c ? ` (first ${shown} of ${c} channels)` : ""}`,
        png: encodePng(big),
        width: big.width,
        height: big.height,
      });
    }
    const width = Math.max(...sections.map((s) => s.width));
    let y = 0;
    const body: string[] = [];
    for (const s of sections) {
      body.push(
        `<text x="0" y="${y + 14}" font-size="13" font-family="Helvetica, Arial, sans-serif">${escapeHtml(s.title)}</text>`,
      );
      body.push(
        `<image x="0" y="${y + 20}" width="${s.width}" height="${s.height}" style="image-rendering:pixelated" href="data:image/png;base64,${base64(s.png)}"/>`,
      );
      y += s.height + 30;
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"><rect width="100%" height="100%" fill="#ffffff"/>${body.join("")}</svg>`;
    return {
      "image/svg+xml": svg,
      "text/plain": `<feature maps>\n${sections.map((s) => s.title).join("\n")}`,
    };
  });
}

/**
 * A saliency map: the gradient of a class score with respect to the input
 * image, as max |gradient| over channels, drawn over the image in a heat
 * colour map (Simonyan et al. 2014).
 *
 * @example
 * const x = img.unsqueeze(0).detach(); x.requiresGrad = true;
 * const [g] = lt.autograd.grad([model(x).select(1, label).sum()], [x]);
 * display.saliency(img, g.squeeze(0));
 */
export function saliency(
  imageTensor: TensorLike | number[][][] | number[][],
  gradient: TensorLike | number[][][] | number[][],
  options: { alpha?: number; scale?: number } = {},
): Displayable {
  return lazy(async () => {
    const img = toChannelsLast("saliency", await readValuesAsync("saliency", imageTensor));
    const grad = toChannelsLast("saliency", await readValuesAsync("saliency", gradient));
    if (img.height !== grad.height || img.width !== grad.width) {
      throw new ShapeError(
        `saliency: the image is ${img.height}x${img.width} but the gradient ${grad.height}x${grad.width}`,
      );
    }
    const n = img.height * img.width;
    const heat = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let c = 0; c < grad.channels; c++)
        m = Math.max(m, Math.abs(grad.data[i * grad.channels + c]!));
      heat[i] = m;
    }
    const [, hmax] = extent(heat);
    const base = resolveRange(img.data, "auto", false);
    const alpha = options.alpha ?? 0.6;
    const data = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      let gray = 0;
      for (let c = 0; c < img.channels; c++) gray += img.data[i * img.channels + c]!;
      gray = Math.min(1, Math.max(0, (gray / img.channels - base.lo) / (base.hi - base.lo || 1)));
      const h = colorAt(scaleOf("viridis"), hmax > 0 ? heat[i]! / hmax : 0);
      for (let k = 0; k < 3; k++)
        data[i * 3 + k] = Math.round((1 - alpha) * gray * 255 + alpha * h[k]!);
    }
    const px: Pixels = { width: img.width, height: img.height, channels: 3, data };
    return pngBundle(
      px,
      options.scale,
      `<saliency map ${img.width}x${img.height}, max |gradient| ${fmt(hmax)}>`,
    );
  });
}
