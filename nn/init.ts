/**
 * `nn.init`: fills a tensor in place (PyTorch's torch/nn/init.py), drawing
 * from lectern's seeded RNG so `lt.manualSeed(n)` makes initialisation
 * reproducible. Every function returns the tensor it filled and runs
 * without recording autograd. Names keep PyTorch's trailing underscore
 * (in-place); the same functions are exported without it too.
 */
import { noGrad, rand, randn, tensor as tensor_ } from "../tensor/index.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { assignData } from "./parameter.js";

/** A nonlinearity `calculateGain` knows (PyTorch spelling; camelCase accepted). */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "leakyRelu"
  | "selu";

/** Which fan Kaiming init preserves: the forward pass (`fanIn`) or the backward pass (`fanOut`). */
export type FanMode = "fanIn" | "fanOut" | "fan_in" | "fan_out";

/**
 * The recommended gain for a nonlinearity (`torch.nn.init.calculate_gain`):
 * 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2/(1+slope²)) for leaky_relu (slope default 0.01), 3/4 for selu.
 *
 * @example
 * nn.init.calculateGain("relu"); // 1.4142135623730951
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu":
    case "leakyRelu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ValueError(
        `calculateGain: unsupported nonlinearity "${String(nonlinearity)}"; use linear, conv1d/2d/3d, sigmoid, tanh, relu, leaky_relu or selu`,
      );
  }
}

/**
 * `[fanIn, fanOut]` of a weight: for `[out, in, ...kernel]`,
 * fanIn = in·∏kernel and fanOut = out·∏kernel.
 *
 * @example
 * nn.init.calculateFanInAndFanOut(lt.zeros([16, 3, 5, 5])); // [75, 400]
 */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const s = tensor.shape;
  if (s.length < 2) {
    throw new ShapeError(
      `init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${s}])`,
    );
  }
  const receptive = s.slice(2).reduce((a, b) => a * b, 1);
  return [s[1]! * receptive, s[0]! * receptive];
}

function fanOf(tensor: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  if (mode === "fanIn" || mode === "fan_in") return fanIn;
  if (mode === "fanOut" || mode === "fan_out") return fanOut;
  throw new ValueError(`init: mode "${String(mode)}" is not supported; use "fanIn" or "fanOut"`);
}

function fill(tensor: Tensor, values: Tensor): Tensor {
  noGrad(() => assignData(tensor, values.to(tensor.device)));
  return tensor;
}

/**
 * Fills with U(a, b).
 *
 * @example
 * nn.init.uniform_(w, -0.1, 0.1);
 */
export function uniform_(tensor: Tensor, a = 0, b = 1): Tensor {
  return fill(
    tensor,
    rand(tensor.shape)
      .mul(b - a)
      .add(a),
  );
}

/** Fills with N(mean, std²). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return fill(tensor, randn(tensor.shape).mul(std).add(mean));
}

/**
 * Fills with N(mean, std²) redrawn until inside [a, b] (`trunc_normal_`),
 * the ViT/BERT initialisation.
 */
export function truncNormal_(tensor: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  // Inverse-CDF sampling as PyTorch does: uniform in [Φ(a), Φ(b)], then Φ⁻¹.
  const cdf = (x: number) => (1 + erf((x - mean) / std / Math.SQRT2)) / 2;
  const [lo, hi] = [cdf(a), cdf(b)];
  const u = rand(tensor.shape, { device: "cpu" }).dataSync() as Float32Array;
  const out = u.map((v) => {
    const x = mean + std * Math.SQRT2 * erfinv(2 * (lo + v * (hi - lo)) - 1);
    return Math.min(b, Math.max(a, x));
  });
  return fill(tensor, tensor_(out, { device: "cpu" }).reshape(tensor.shape));
}

/** Fills with `value`. */
export function constant_(tensor: Tensor, value: number): Tensor {
  noGrad(() => tensor.fill_(value));
  return tensor;
}

/** Fills with 0. */
export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

/** Fills with 1. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/**
 * Glorot/Xavier uniform: U(-a, a) with a = gain·√(6/(fanIn+fanOut)).
 *
 * @example
 * nn.init.xavierUniform_(layer.weight, nn.init.calculateGain("tanh"));
 */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(tensor, -a, a);
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming (He) initialisers. */
export interface KaimingOptions {
  /** Negative slope of the leaky_relu that follows (only for "leaky_relu"). Default 0. */
  a?: number;
  /** Default "fanIn". */
  mode?: FanMode;
  /** Default "leaky_relu" (with a = 0 that is relu's gain, as in PyTorch). */
  nonlinearity?: Nonlinearity;
}

/**
 * He uniform: U(-b, b) with b = gain·√(3/fan).
 *
 * @example
 * nn.init.kaimingUniform_(conv.weight, { mode: "fanOut", nonlinearity: "relu" });
 */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const { a = 0, mode = "fanIn", nonlinearity = "leaky_relu" } = options;
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fanOf(tensor, mode));
  const bound = Math.sqrt(3) * std;
  return uniform_(tensor, -bound, bound);
}

/** He normal: N(0, std²) with std = gain/√fan. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const { a = 0, mode = "fanIn", nonlinearity = "leaky_relu" } = options;
  return normal_(tensor, 0, calculateGain(nonlinearity, a) / Math.sqrt(fanOf(tensor, mode)));
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al. 2013), from the QR
 * decomposition of a Gaussian matrix with the signs fixed as PyTorch does.
 * Dimensions after the first are flattened.
 *
 * @example
 * nn.init.orthogonal_(rnn.weight_hh_l0);
 */
export function orthogonal_(tensor: Tensor, gain = 1): Tensor {
  const s = tensor.shape;
  if (s.length < 2) {
    throw new ShapeError(
      `orthogonal_: only tensors with 2 or more dimensions are supported (shape [${s}])`,
    );
  }
  const rows = s[0]!;
  const cols = s.slice(1).reduce((a, b) => a * b, 1);
  // Work on the tall orientation (m >= n), transpose back at the end.
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const a = Float64Array.from(randn([m, n], { device: "cpu" }).dataSync() as Float32Array);
  const q = householderQ(a, m, n);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j]!;
      if (rows < cols) out[j * cols + i] = v;
      else out[i * cols + j] = v;
    }
  }
  return fill(tensor, tensor_(out, { device: "cpu" }).reshape(s));
}

// Thin QR by Householder reflections; returns Q (m×n) with diag(R) >= 0,
// which is the sign fix PyTorch applies (q *= sign(diag(r))).
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m);
    const alpha = r[k * n + k]! > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k]!;
    v[k] = v[k]! - alpha;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i]! ** 2;
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = k; i < m; i++) v[i] = v[i]! / vnorm;
    vs.push(v);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * r[i * n + j]!;
      for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - 2 * v[i]! * dot;
    }
  }
  // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * q[i * n + j]!;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * v[i]! * dot;
    }
  }
  for (let j = 0; j < n; j++) {
    if (r[j * n + j]! < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j]!;
  }
  return q;
}

// Giles' single-precision approximation (2010), accurate to ~1e-7 relative.
function erfinv(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ])
      p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
      1.00167406, 2.83297682,
    ])
      p = c + p * w;
  }
  return p * x;
}

// Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), enough for the CDF bounds above.
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export {
  constant_ as constant,
  kaimingNormal_ as kaimingNormal,
  kaimingUniform_ as kaimingUniform,
  normal_ as normal,
  ones_ as ones,
  orthogonal_ as orthogonal,
  truncNormal_ as truncNormal,
  uniform_ as uniform,
  xavierNormal_ as xavierNormal,
  xavierUniform_ as xavierUniform,
  zeros_ as zeros,
};
