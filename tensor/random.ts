/**
 * Seeded random numbers. One global generator (`lt.manualSeed`) produces a
 * counter-based stream — Philox4x32-10 (Salmon et al., "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011) — so any backend can reproduce
 * draw i of the stream from (seed, counter) alone, without sequential
 * state. Values are generated on the host and uploaded, so every device
 * sees the same numbers under the same seed. (PyTorch's exact bit stream is
 * not reproduced; reproducibility under a seed is.)
 */
import { getDefaultDevice } from "./device.js";
import { checkDType, type DType, getDefaultDType, isFloating, typedArray } from "./dtype.js";
import { DTypeError, ShapeError, ValueError } from "./errors.js";
import {
  type CreationOptions,
  fromValues,
  likeOptions,
  type ShapeLike,
  toShape,
} from "./ops/creation.js";
import { sizeOf } from "./shape.js";
import type { Tensor } from "./tensor.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (
    (aH * bH + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) >>> 0
  );
}

/**
 * Philox4x32-10: four random 32-bit words from a 128-bit counter and a
 * 64-bit key. Written out so the WebGPU backend can mirror it in WGSL.
 *
 * @example
 * philox4x32([0, 0, 0, 0], [42, 0]); // Uint32Array of 4 words
 */
export function philox4x32(
  counter: readonly number[],
  key: readonly number[],
  out = new Uint32Array(4),
): Uint32Array {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

// PyTorch's default CPU seed, so a fresh session is reproducible without manualSeed.
const DEFAULT_SEED = 67280421310721;

const state = { key: [0, 0], counter: 0 };

/**
 * Seeds the global generator: every random op afterwards (init, dropout,
 * shuffling, augmentation) repeats exactly (`torch.manual_seed`).
 *
 * @example
 * lt.manualSeed(0); const a = lt.rand([2]);
 * lt.manualSeed(0); const b = lt.rand([2]); // same values as a
 */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed))
    throw new ValueError(`manualSeed: seed must be an integer, got ${seed}`);
  const s = seed < 0 ? seed + 2 ** 64 : seed;
  state.key = [(s % 2 ** 32) >>> 0, Math.floor(s / 2 ** 32) >>> 0];
  state.counter = 0;
}
manualSeed(DEFAULT_SEED);

/** The generator's position: (key, counter) of the next block, for backends that generate on device. */
export function generatorState(): { key: number[]; counter: number } {
  return { key: [...state.key], counter: state.counter };
}

/** Restores a position returned by `generatorState` (`torch.set_rng_state`). */
export function setGeneratorState(s: { key: readonly number[]; counter: number }): void {
  state.key = [s.key[0] >>> 0, s.key[1] >>> 0];
  state.counter = s.counter;
}

/** `n` raw 32-bit words from the stream; advances it by ceil(n / 4) blocks. */
export function randomWords(n: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(n / 4) * 4);
  const block = new Uint32Array(4);
  for (let i = 0; i < out.length; i += 4) {
    const c = state.counter++;
    philox4x32([(c % 2 ** 32) >>> 0, Math.floor(c / 2 ** 32) >>> 0, 0, 0], state.key, block);
    out.set(block, i);
  }
  return out.subarray(0, n);
}

/** `n` uniforms in [0, 1) with 24 random bits each (exactly representable in float32). */
function uniforms(n: number): Float64Array {
  const words = randomWords(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (words[i] >>> 8) / 16777216;
  return out;
}

/** `n` standard normals by Box–Muller, two per pair of uniforms. */
function normals(n: number): Float64Array {
  const words = randomWords(2 * Math.ceil(n / 2));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    // u1 in (0, 1] keeps the log finite.
    const u1 = ((words[i] >>> 8) + 1) / 16777216;
    const u2 = (words[i + 1] >>> 8) / 16777216;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function floatDType(op: string, opts: CreationOptions): DType {
  const dtype = opts.dtype ? checkDType(opts.dtype, op) : getDefaultDType();
  if (!isFloating(dtype))
    throw new DTypeError(`${op}: dtype must be floating, got ${dtype}; use randint for integers`);
  return dtype;
}

function make(
  values: ArrayLike<number>,
  shape: number[],
  dtype: DType,
  opts: CreationOptions,
): Tensor {
  const data = typedArray(
    dtype,
    shape.reduce((a, b) => a * b, 1),
  );
  for (let i = 0; i < data.length; i++) data[i] = values[i];
  const t = fromValues(data, shape, dtype, opts.device ?? getDefaultDevice());
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * Uniform samples in [0, 1) (`torch.rand`).
 *
 * @example
 * lt.rand([2, 3]);
 */
export function rand(shape: ShapeLike, opts: CreationOptions = {}): Tensor {
  const s = toShape(shape, "rand");
  return make(uniforms(sizeOf(s)), s, floatDType("rand", opts), opts);
}

/**
 * Standard normal samples (`torch.randn`).
 *
 * @example
 * lt.randn([2, 3], { requiresGrad: true });
 */
export function randn(shape: ShapeLike, opts: CreationOptions = {}): Tensor {
  const s = toShape(shape, "randn");
  return make(normals(sizeOf(s)), s, floatDType("randn", opts), opts);
}

/**
 * Normal samples with mean `mean` and standard deviation `std` (`torch.normal`).
 *
 * @example
 * lt.normal(0, 0.02, [768, 768]);
 */
export function normal(
  mean: number,
  std: number,
  shape: ShapeLike,
  opts: CreationOptions = {},
): Tensor {
  if (!(std >= 0)) throw new ValueError(`normal: std must be >= 0, got ${std}`);
  const s = toShape(shape, "normal");
  return make(
    normals(sizeOf(s)).map((v) => mean + std * v),
    s,
    floatDType("normal", opts),
    opts,
  );
}

/**
 * Integers uniform in [low, high) (`torch.randint`); int32 unless `dtype` says otherwise.
 *
 * @example
 * lt.randint(0, 10, [64]); // class labels
 */
export function randint(
  low: number,
  high: number,
  shape: ShapeLike,
  opts: CreationOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: needs integers low < high, got low ${low}, high ${high}`);
  }
  const s = toShape(shape, "randint");
  const dtype = opts.dtype ? checkDType(opts.dtype, "randint") : "int32";
  const words = randomWords(sizeOf(s));
  const range = high - low;
  return make(
    Array.from(words, (w) => low + Math.floor((w / 2 ** 32) * range)),
    s,
    dtype,
    opts,
  );
}

/**
 * A random permutation of 0..n-1 (`torch.randperm`), by Fisher–Yates.
 *
 * @example
 * lt.randperm(5); // e.g. [3, 0, 4, 1, 2]
 */
export function randperm(n: number, opts: CreationOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`randperm: n must be an integer >= 0, got ${n}`);
  const perm = Array.from({ length: n }, (_, i) => i);
  const u = uniforms(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return make(perm, [n], opts.dtype ? checkDType(opts.dtype, "randperm") : "int32", opts);
}

function probabilities(op: string, p: Tensor): Float64Array {
  if (!isFloating(p.dtype))
    throw new DTypeError(`${op}: probabilities must be floating, got ${p.dtype}`);
  return Float64Array.from(p.detach().to("cpu").contiguous().dataSync());
}

/**
 * 1 with probability `p` (elementwise), else 0 (`torch.bernoulli`). The
 * uniforms come from the host stream and the comparison runs on `p`'s
 * device, so no read-back is needed.
 *
 * @example
 * lt.bernoulli(lt.full([10], 0.3));
 */
export function bernoulli(p: Tensor): Tensor {
  if (!isFloating(p.dtype))
    throw new DTypeError(`bernoulli: probabilities must be floating, got ${p.dtype}`);
  if (p.device === "cpu") {
    for (const v of p.detach().contiguous().dataSync()) {
      if (!(v >= 0 && v <= 1))
        throw new ValueError(`bernoulli: probabilities must be in [0, 1], got ${v}`);
    }
  }
  return rand(p.shape, { device: p.device }).lt(p.detach()).cast(p.dtype);
}

/**
 * Draws `numSamples` category indices per row of `probs` (1-D or 2-D,
 * non-negative weights that need not sum to 1) (`torch.multinomial`).
 *
 * @example
 * lt.multinomial(lt.tensor([0.1, 0.9]), 5, { replacement: true });
 */
export function multinomial(
  probs: Tensor,
  numSamples: number,
  { replacement = false }: { replacement?: boolean } = {},
): Tensor {
  const op = "multinomial";
  if (probs.ndim !== 1 && probs.ndim !== 2) {
    throw new ShapeError(`${op}: probs must be 1-D or 2-D, got ${probs.ndim} dims`);
  }
  const w = probabilities(op, probs);
  const rows = probs.ndim === 1 ? 1 : probs.shape[0];
  const n = probs.shape[probs.ndim - 1];
  if (!Number.isInteger(numSamples) || numSamples <= 0) {
    throw new ValueError(`${op}: numSamples must be a positive integer, got ${numSamples}`);
  }
  if (!replacement && numSamples > n) {
    throw new ValueError(
      `${op}: cannot draw ${numSamples} samples without replacement from ${n} categories; pass { replacement: true }`,
    );
  }
  const out = new Int32Array(rows * numSamples);
  const u = uniforms(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const weights = Array.from(w.subarray(r * n, (r + 1) * n));
    if (weights.some((v) => !(v >= 0) || !Number.isFinite(v))) {
      throw new ValueError(`${op}: weights must be finite and >= 0 (row ${r})`);
    }
    for (let s = 0; s < numSamples; s++) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total <= 0)
        throw new ValueError(`${op}: row ${r} has no positive weight left to sample from`);
      let target = u[r * numSamples + s] * total;
      let k = 0;
      while (k < n - 1 && (target >= weights[k] || weights[k] === 0)) {
        target -= weights[k];
        k++;
      }
      out[r * numSamples + s] = k;
      if (!replacement) weights[k] = 0;
    }
  }
  return make(out, probs.ndim === 1 ? [numSamples] : [rows, numSamples], "int32", {
    device: probs.device,
  });
}

/** Uniform [0, 1) samples shaped like `t` (`torch.rand_like`). */
export function randLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return rand(t.shape, likeOptions(t, opts));
}

/** Standard normal samples shaped like `t` (`torch.randn_like`). */
export function randnLike(t: Tensor, opts: CreationOptions = {}): Tensor {
  return randn(t.shape, likeOptions(t, opts));
}

/** Integers in [low, high) shaped like `t` (`torch.randint_like`). */
export function randintLike(
  t: Tensor,
  low: number,
  high: number,
  opts: CreationOptions = {},
): Tensor {
  return randint(low, high, t.shape, { ...opts, device: opts.device ?? t.device });
}
