/**
 * PNG encoding for every image display: raw 8-bit pixels in, PNG bytes out,
 * through the `fast-png` encoder. Small images (MNIST digits, 3x3 filters)
 * are enlarged with nearest-neighbour sampling first, because browsers blur
 * a 28x28 image stretched by CSS and blur hides exactly the pixels a lecture
 * wants to show.
 */
import { encode } from "fast-png";
import { ValueError } from "../tensor/errors.js";

/** Raw 8-bit pixels, row-major, channels interleaved (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

function checkPixels(op: string, image: Pixels): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ValueError(
      `${op}: width and height must be positive integers, got ${width}x${height}`,
    );
  }
  if (![1, 2, 3, 4].includes(channels)) {
    throw new ValueError(`${op}: channels must be 1, 2, 3 or 4, got ${channels}`);
  }
  if (data.length !== width * height * channels) {
    throw new ValueError(
      `${op}: data has ${data.length} values but ${width}x${height}x${channels} needs ${width * height * channels}`,
    );
  }
}

/**
 * Encodes 8-bit pixels as PNG bytes.
 *
 * @example
 * const bytes = encodePng({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 */
export function encodePng(image: Pixels): Uint8Array {
  checkPixels("encodePng", image);
  const data =
    image.data instanceof Uint8ClampedArray
      ? new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length)
      : image.data;
  return encode({
    width: image.width,
    height: image.height,
    channels: image.channels,
    depth: 8,
    data,
  });
}

/**
 * Enlarges an image by an integer factor, each pixel becoming a
 * `factor`x`factor` block (nearest neighbour: no blur, no new colours).
 *
 * @example
 * upscale({ width: 1, height: 1, channels: 1, data: new Uint8Array([9]) }, 2).data; // [9, 9, 9, 9]
 */
export function upscale(image: Pixels, factor: number): Pixels {
  checkPixels("upscale", image);
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ValueError(`upscale: factor must be a positive integer, got ${factor}`);
  }
  if (factor === 1) return image;
  const { width, height, channels, data } = image;
  const w = width * factor;
  const out = new Uint8Array(w * height * factor * channels);
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(w * channels);
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * channels;
      for (let k = 0; k < factor; k++) {
        row.set(data.subarray(src, src + channels), (x * factor + k) * channels);
      }
    }
    for (let k = 0; k < factor; k++) out.set(row, (y * factor + k) * w * channels);
  }
  return { width: w, height: height * factor, channels, data: out };
}

/**
 * The integer factor that brings an image's longer side to at least
 * `minSide` pixels (1 when it is already that large).
 *
 * @example
 * autoScaleFactor(28, 28); // 5 → 140x140
 */
export function autoScaleFactor(width: number, height: number, minSide = 128): number {
  return Math.max(1, Math.ceil(minSide / Math.max(width, height)));
}
