/**
 * The engine's random stream (tensor/random.ts: Philox4x32-10 keyed by
 * `manualSeed`) generated on the GPU: element i of a draw is word i of the
 * stream from block `counter`, so a GPU draw equals the host's draw from
 * the same generator state — bit for bit for uniforms (24-bit values are
 * exact in float32), to float32 rounding for normals (Box–Muller's log and
 * cos run in f32 here and in float64 on the host). Nothing is uploaded.
 */

import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";

/** Attrs of the random kernels: the generator state of the draw's first block. */
export interface RandomAttrs {
  key: readonly number[];
  counter: number;
}

/** WGSL Philox4x32-10 of block `block` (64-bit counter as low, high words). */
const PHILOX = `
fn mul_hi_lo(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return vec2<u32>(ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u), a * b);
}
fn philox(counter_lo: u32, counter_hi: u32, key0: u32, key1: u32) -> vec4<u32> {
  var c = vec4<u32>(counter_lo, counter_hi, 0u, 0u);
  var k = vec2<u32>(key0, key1);
  for (var round = 0; round < 10; round++) {
    let p0 = mul_hi_lo(0xd2511f53u, c.x);
    let p1 = mul_hi_lo(0xcd9e8d57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k += vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}
// Word w of the stream counted from the draw's first block (params 1..4: key, counter).
fn stream_word(w: u32) -> u32 {
  let lo = params[3] + w / 4u;
  let hi = params[4] + select(0u, 1u, lo < params[3]);
  return philox(lo, hi, params[1], params[2])[w % 4u];
}`;

function draw(op: string, n: number, a: RandomAttrs, body: string, threads: number): WebGPUStorage {
  return perElement({
    op,
    key: op,
    inputs: [],
    out: allocStorage(n, "float32"),
    outDtype: "float32",
    n: threads,
    build: (params) => {
      params.int(a.key[0], a.key[1], a.counter % 2 ** 32, Math.floor(a.counter / 2 ** 32));
      params.int(n);
      return { helpers: PHILOX, body };
    },
  });
}

/**
 * `n` uniforms in [0, 1), equal to `lt.rand` from the same generator state.
 *
 * @example
 * randomUniform(6, { key: [42, 0], counter: 0 });
 */
export function randomUniform(n: number, a: RandomAttrs): WebGPUStorage {
  return draw("randomUniform", n, a, "result[i] = f32(stream_word(i) >> 8u) / 16777216.0;", n);
}

/**
 * `n` standard normals by Box–Muller from word pairs, as `lt.randn` from the same state.
 *
 * @example
 * randomNormal(6, { key: [42, 0], counter: 0 });
 */
export function randomNormal(n: number, a: RandomAttrs): WebGPUStorage {
  const body = `
  let n = params[5];
  let first = 2u * i;
  let u1 = f32((stream_word(first) >> 8u) + 1u) / 16777216.0;
  let u2 = f32(stream_word(first + 1u) >> 8u) / 16777216.0;
  let r = sqrt(-2.0 * log(u1));
  let angle = 6.283185307179586 * u2;
  result[first] = r * cos(angle);
  if (first + 1u < n) { result[first + 1u] = r * sin(angle); }`;
  return draw("randomNormal", n, a, body, Math.ceil(n / 2));
}
