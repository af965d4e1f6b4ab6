import { backward as runBackward } from "./autograd/engine.js";
import type { Node } from "./autograd/node.js";
import { getBackend } from "./backends/backend.js";
import { type DType, isFloating, type TypedArray } from "./dtype.js";
import { AutogradError, DeviceError, DTypeError, ValueError } from "./errors.js";
import * as activation from "./ops/activation.js";
import * as arithmetic from "./ops/arithmetic.js";
import type { TensorLike } from "./ops/broadcast.js";
import { cast } from "./ops/cast.js";
import * as compare from "./ops/compare.js";
import * as inplace from "./ops/inplace.js";
import * as indexing from "./ops/indexing.js";
import * as join from "./ops/join.js";
import * as layout from "./ops/layout.js";
import * as linalg from "./ops/linalg.js";
import * as math from "./ops/math.js";
import * as reduce from "./ops/reduce.js";
import * as search from "./ops/search.js";
import * as softmaxOps from "./ops/softmax.js";
import * as views from "./ops/view.js";
import { displayBundle, formatTensor } from "./format.js";
import * as random from "./random.js";
import { isContiguous, normalizeDim, sizeOf } from "./shape.js";
import type { Storage } from "./storage.js";

/** Nested arrays as returned by `array()`: numbers, or booleans for bool tensors. */
export type NestedValues = number | boolean | NestedValues[];

/** A gradient hook: returns a replacement gradient, or nothing to keep it. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only inspects the gradient returns nothing.
export type TensorHook = (grad: Tensor) => Tensor | undefined | void;

/** A handle returned by `registerHook`; `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** Options of `backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward itself, for higher-order gradients. */
  createGraph?: boolean;
}

function nest(values: ArrayLike<number>, shape: readonly number[], bool: boolean): NestedValues {
  const conv = (v: number) => (bool ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]);
  const build = (dim: number, start: number): NestedValues[] => {
    const n = shape[dim];
    const out: NestedValues[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(values[start + i]);
      return out;
    }
    const step = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step);
    return out;
  };
  return build(0, 0);
}

/**
 * An n-dimensional array on a device, with autograd (`torch.Tensor`).
 * Create tensors with `lt.tensor`, `lt.zeros`, `lt.randn`...; every op is
 * available both as a method (`x.add(y)`) and as a function (`lt.add(x, y)`).
 * A tensor is a strided view of a storage: views (`reshape`, `transpose`,
 * `narrow`...) share memory with their base.
 */
export class Tensor {
  /** Gradient accumulated by `backward()` (leaves, and non-leaves after `retainGrad()`). */
  grad: Tensor | null = null;
  /** The tensor this one is a view of, or null. */
  _base: Tensor | null = null;
  #requiresGrad = false;
  #gradFn: Node | null = null;
  #retainsGrad = false;
  #hooks: TensorHook[] = [];

  /**
   * A view of `storage`: the element at index `(i0, i1, ...)` lives at
   * `offset + i0*strides[0] + i1*strides[1] + ...`. Subclasses (nn's
   * Parameter) pass an existing tensor's fields to share its memory.
   */
  constructor(
    readonly storage: Storage,
    readonly shape: number[],
    readonly strides: number[],
    readonly offset: number,
  ) {}

  get dtype(): DType {
    return this.storage.dtype;
  }

  /** `"cpu"` or `"webgpu"`. */
  get device(): string {
    return this.storage.device;
  }

  /** Number of dims (`Tensor.dim()`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** Version counter of the storage, bumped by in-place ops (`Tensor._version`). */
  get version(): number {
    return this.storage.version;
  }

  /** Whether gradients are recorded for ops on this tensor. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (this.#gradFn !== null && !value) {
      throw new AutogradError(
        "requiresGrad: you can only change requiresGrad of leaf tensors; use y.detach() to get a tensor without history",
      );
    }
    if (value && !isFloating(this.dtype)) {
      throw new DTypeError(
        `requiresGrad: only floating tensors can require gradients, this one is ${this.dtype}; use x.float()`,
      );
    }
    this.#requiresGrad = value;
  }

  /** The node that created this tensor, or null for leaves. */
  get gradFn(): Node | null {
    return this.#gradFn;
  }

  /** True for tensors not produced by a recorded op (user-created tensors and parameters). */
  get isLeaf(): boolean {
    return this.#gradFn === null;
  }

  /** True after `retainGrad()`. */
  get retainsGrad(): boolean {
    return this.#retainsGrad;
  }

  /** Hooks registered with `registerHook`, in order. */
  get hooks(): readonly TensorHook[] {
    return this.#hooks;
  }

  /** @internal Makes this tensor the output of `node` (called by `record`). */
  _setGradFn(node: Node | null): void {
    this.#gradFn = node;
    this.#requiresGrad = node !== null || this.#requiresGrad;
  }

  /** @internal A view sharing this tensor's storage, not recorded by autograd. */
  _view(shape: number[], strides: number[], offset: number): Tensor {
    const v = new Tensor(this.storage, shape, strides, offset);
    v._base = this._base ?? this;
    return v;
  }

  /** Number of elements. */
  numel(): number {
    return sizeOf(this.shape);
  }

  /** The shape, or the size of one dim (`Tensor.size`). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim(dim, this.ndim, "size")];
  }

  /** Number of dims. */
  dim(): number {
    return this.ndim;
  }

  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- read-back -------------------------------------------------------

  #readable(): Tensor {
    return this.isContiguous() ? this : this.detach().contiguous();
  }

  /**
   * The elements as a new row-major typed array (Float32Array, Int32Array,
   * or Uint8Array for bool). Waits for queued GPU work.
   *
   * @example
   * await lt.tensor([[1, 2], [3, 4]]).data(); // Float32Array [1, 2, 3, 4]
   */
  async data(): Promise<TypedArray> {
    const t = this.#readable();
    return getBackend(t.device).read(t.storage.handle, t.dtype, t.offset, t.numel());
  }

  /**
   * Like `data()`, synchronously; CPU tensors only.
   *
   * @example
   * lt.arange(3).dataSync(); // Int32Array [0, 1, 2]
   */
  dataSync(): TypedArray {
    const t = this.#readable();
    const backend = getBackend(t.device);
    if (backend.readSync === undefined) {
      throw new DeviceError(
        `dataSync: a ${t.device} tensor cannot be read synchronously; use \`await t.data()\` (or arraySync/itemSync → await array()/item())`,
      );
    }
    return backend.readSync(t.storage.handle, t.dtype, t.offset, t.numel());
  }

  /**
   * The elements as nested arrays (`Tensor.tolist`).
   *
   * @example
   * await lt.eye(2).array(); // [[1, 0], [0, 1]]
   */
  async array(): Promise<NestedValues> {
    return nest(await this.data(), this.shape, this.dtype === "bool");
  }

  /** Like `array()`, synchronously; CPU tensors only. */
  arraySync(): NestedValues {
    return nest(this.dataSync(), this.shape, this.dtype === "bool");
  }

  #checkOneElement(op: string): void {
    if (this.numel() !== 1) {
      throw new ValueError(
        `${op}: only a tensor with one element converts to a number; this one has shape [${this.shape}]`,
      );
    }
  }

  /**
   * The value of a one-element tensor (`Tensor.item`).
   *
   * @example
   * await lt.tensor([3]).sum().item(); // 3
   */
  item(): Promise<number | boolean> {
    // Not async: a misuse throws here, at the user's line, not in a rejected promise.
    this.#checkOneElement("item");
    const bool = this.dtype === "bool";
    return this.data().then((d) => (bool ? d[0] !== 0 : d[0]));
  }

  /** Like `item()`, synchronously; CPU tensors only. */
  itemSync(): number | boolean {
    this.#checkOneElement("itemSync");
    const v = this.dataSync()[0];
    return this.dtype === "bool" ? v !== 0 : v;
  }

  /** PyTorch-style text: `tensor([[1., 2.], [3., 4.]], requiresGrad=true)`. */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * Iterates over the first dim, like a Python loop over a tensor.
   *
   * @example
   * for (const row of lt.eye(2)) console.log(row.arraySync());
   */
  *[Symbol.iterator](): IterableIterator<Tensor> {
    if (this.ndim === 0) throw new ValueError("iteration over a 0-d tensor; use item() instead");
    for (let i = 0; i < this.shape[0]; i++) yield views.select(this, 0, i);
  }

  /** The MIME bundle Jupyter shows for this tensor (see `setTensorDisplay`). */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> | Promise<Record<string, unknown>> {
    return displayBundle(this);
  }

  // ---- autograd --------------------------------------------------------

  /**
   * Computes the gradient of this tensor with respect to the graph leaves
   * and accumulates it into their `.grad` (`Tensor.backward`). A non-scalar
   * needs `grad` (the gradient of some scalar with respect to this tensor).
   *
   * @example
   * const x = lt.tensor([1, 2, 3], { requiresGrad: true });
   * x.mul(x).sum().backward();
   * x.grad; // [2, 4, 6]
   */
  backward(grad?: Tensor | null, opts: BackwardOptions = {}): void {
    runBackward([this], grad ? [grad] : [null], opts);
  }

  /**
   * A tensor sharing this one's memory, cut from the graph (`Tensor.detach`).
   *
   * @example
   * const y = x.mul(2).detach(); // y.requiresGrad === false
   */
  detach(): Tensor {
    // Shares memory (and the version counter) but not the graph: in-place
    // writes to a detached tensor are not recorded for its base.
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** Sets `requiresGrad` in place and returns this tensor (`Tensor.requires_grad_`). */
  requiresGrad_(requiresGrad = true): this {
    this.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Keeps `.grad` for this non-leaf tensor after backward (`Tensor.retain_grad`).
   *
   * @example
   * const h = x.mul(2); h.retainGrad(); h.sum().backward(); h.grad; // ones
   */
  retainGrad(): this {
    if (!this.#requiresGrad) {
      throw new AutogradError(
        "retainGrad: this tensor does not require grad, so it will never have a gradient",
      );
    }
    if (this.#gradFn !== null) this.#retainsGrad = true;
    return this;
  }

  /**
   * Calls `fn(grad)` each time a gradient for this tensor is computed; if it
   * returns a tensor, that replaces the gradient (`Tensor.register_hook`).
   *
   * @example
   * const h = x.registerHook((g) => g.clamp({ min: -1, max: 1 }));
   * h.remove();
   */
  registerHook(fn: TensorHook): RemovableHandle {
    if (!this.#requiresGrad) {
      throw new AutogradError(
        "registerHook: cannot register a hook on a tensor that does not require grad",
      );
    }
    this.#hooks.push(fn);
    return {
      remove: () => {
        const i = this.#hooks.indexOf(fn);
        if (i >= 0) this.#hooks.splice(i, 1);
      },
    };
  }

  /**
   * Releases this tensor's memory now instead of when it is collected. Views
   * sharing the storage become unusable.
   */
  dispose(): void {
    this.storage.dispose();
    this.grad = null;
    this.#gradFn = null;
  }

  // ---- copies and conversion ------------------------------------------

  /**
   * A copy with its own memory, differentiable (`Tensor.clone`).
   *
   * @example
   * const y = x.clone(); y.add_(1); // x unchanged
   */
  clone(): Tensor {
    return inplace.clone(this);
  }

  /** This tensor converted to `dtype` (returns itself when equal). */
  cast(dtype: DType): Tensor {
    return cast(this, dtype);
  }

  /** As float32 (`Tensor.float`). */
  float(): Tensor {
    return cast(this, "float32");
  }

  /** As int32 (`Tensor.int`; also `long()` maps here). */
  int(): Tensor {
    return cast(this, "int32");
  }

  /** As int32: lectern has no int64 (`Tensor.long`). */
  long(): Tensor {
    return cast(this, "int32");
  }

  /** As bool (`Tensor.bool`). */
  bool(): Tensor {
    return cast(this, "bool");
  }

  /**
   * Moves to a device (`"cpu"`, `"webgpu"`) or converts to a dtype
   * (`Tensor.to`); returns this tensor when nothing changes. Differentiable.
   *
   * @example
   * x.to("webgpu"); x.to("int32");
   */
  to(target: string): Tensor {
    if (target === "float32" || target === "int32" || target === "bool") return cast(this, target);
    return inplace.toDevice(this, target);
  }

  /**
   * Moves to a device, waiting for the read-back when the source cannot be read synchronously (GPU
   * → CPU).
   */
  async toAsync(device: string): Promise<Tensor> {
    return inplace.toDeviceAsync(this, device);
  }

  /** `to("cpu")`. */
  cpu(): Tensor {
    return this.to("cpu");
  }

  /** A row-major tensor with the same values; itself when already contiguous. */
  contiguous(): Tensor {
    return views.contiguous(this);
  }

  // ---- arithmetic and math (see tensor/ops/*.ts for the docs) ----------

  /** `a + alpha * b`, broadcasting (`torch.add`). */
  add(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return arithmetic.add(this, other, opts);
  }
  /** `a - alpha * b`, broadcasting (`torch.sub`). */
  sub(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return arithmetic.sub(this, other, opts);
  }
  /** Elementwise product, broadcasting (`torch.mul`). */
  mul(other: TensorLike): Tensor {
    return arithmetic.mul(this, other);
  }
  /**
   * True division, broadcasting; integer inputs give float32 (`torch.div`). `roundingMode` "trunc"
   * or "floor" rounds the quotient (and keeps integer dtypes, like PyTorch).
   */
  div(other: TensorLike, opts?: { roundingMode?: "trunc" | "floor" }): Tensor {
    return arithmetic.div(this, other, opts);
  }
  /** `a` raised to `b`, broadcasting (`torch.pow`). */
  pow(exponent: TensorLike): Tensor {
    return arithmetic.pow(this, exponent);
  }
  /** Python-style remainder (sign of the divisor), broadcasting (`torch.remainder`). */
  remainder(other: TensorLike): Tensor {
    return arithmetic.remainder(this, other);
  }
  /** Elementwise maximum, broadcasting (`torch.maximum`); NaN wins. */
  maximum(other: TensorLike): Tensor {
    return arithmetic.maximum(this, other);
  }
  /** Elementwise minimum, broadcasting (`torch.minimum`). */
  minimum(other: TensorLike): Tensor {
    return arithmetic.minimum(this, other);
  }
  /** `-x` (`torch.neg`). */
  neg(): Tensor {
    return arithmetic.neg(this);
  }
  /** `|x|` (`torch.abs`). */
  abs(): Tensor {
    return math.abs(this);
  }
  /** `e^x` (`torch.exp`); integer inputs give float32. */
  exp(): Tensor {
    return math.exp(this);
  }
  /** `e^x - 1`, accurate for small x (`torch.expm1`). */
  expm1(): Tensor {
    return math.expm1(this);
  }
  /** Natural logarithm (`torch.log`). */
  log(): Tensor {
    return math.log(this);
  }
  /** `log(1 + x)`, accurate for small x (`torch.log1p`). */
  log1p(): Tensor {
    return math.log1p(this);
  }
  /** Square root (`torch.sqrt`). */
  sqrt(): Tensor {
    return math.sqrt(this);
  }
  /** `1 / sqrt(x)` (`torch.rsqrt`). */
  rsqrt(): Tensor {
    return math.rsqrt(this);
  }
  /** `1 / x` (`torch.reciprocal`). */
  reciprocal(): Tensor {
    return math.reciprocal(this);
  }
  /** `x * x` (`torch.square`). */
  square(): Tensor {
    return math.square(this);
  }
  /** Sine (`torch.sin`). */
  sin(): Tensor {
    return math.sin(this);
  }
  /** Cosine (`torch.cos`). */
  cos(): Tensor {
    return math.cos(this);
  }
  /** Tangent (`torch.tan`). */
  tan(): Tensor {
    return math.tan(this);
  }
  /** Hyperbolic tangent (`torch.tanh`). */
  tanh(): Tensor {
    return math.tanh(this);
  }
  /** The error function (`torch.erf`). */
  erf(): Tensor {
    return math.erf(this);
  }
  /** -1, 0 or 1 by the sign of each element (`torch.sign`). */
  sign(): Tensor {
    return math.sign(this);
  }
  /** Rounds to the nearest integer, halves to even (`torch.round`). */
  round(): Tensor {
    return math.round(this);
  }
  /** Largest integer <= x (`torch.floor`). */
  floor(): Tensor {
    return math.floor(this);
  }
  /** Smallest integer >= x (`torch.ceil`). */
  ceil(): Tensor {
    return math.ceil(this);
  }
  /** Rounds toward zero (`torch.trunc`). */
  trunc(): Tensor {
    return math.trunc(this);
  }
  /**
   * Limits every element to `[min, max]` (`torch.clamp`); either bound may be absent or a tensor.
   */
  clamp(opts: math.ClampOptions): Tensor {
    return math.clamp(this, opts);
  }
  /**
   * Limits every element to `[min, max]` (`torch.clamp`); either bound may be absent or a tensor.
   */
  clip(opts: math.ClampOptions): Tensor {
    return math.clamp(this, opts);
  }
  /** `1 / (1 + e^-x)` (`torch.sigmoid`). */
  sigmoid(): Tensor {
    return activation.sigmoid(this);
  }
  /** `max(x, 0)` (`torch.relu`). */
  relu(): Tensor {
    return activation.relu(this);
  }
  /** `x` for x > 0, `negativeSlope * x` otherwise (`F.leaky_relu`). */
  leakyRelu(negativeSlope?: number): Tensor {
    return activation.leakyRelu(this, negativeSlope);
  }
  /** Exponential linear unit: `x` for x > 0, `alpha * (e^x - 1)` otherwise (`F.elu`). */
  elu(alpha?: number): Tensor {
    return activation.elu(this, alpha);
  }
  /**
   * Gaussian error linear unit `x * Φ(x)` (`F.gelu`); `approximate: "tanh"` uses the tanh formula
   * of the original paper.
   */
  gelu(opts?: { approximate?: "none" | "tanh" }): Tensor {
    return activation.gelu(this, opts);
  }
  /** `x * sigmoid(x)`, also called swish (`F.silu`). */
  silu(): Tensor {
    return activation.silu(this);
  }
  /** `log(1 + e^(beta x)) / beta`, linear above `threshold` (`F.softplus`). */
  softplus(opts?: { beta?: number; threshold?: number }): Tensor {
    return activation.softplus(this, opts);
  }
  /**
   * `exp(x) / sum(exp(x))` along `dim`, computed with the maximum subtracted so large inputs do
   * not overflow (`torch.softmax`).
   */
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }
  /**
   * `log(softmax(x))` along `dim`, computed as `x - logsumexp(x)` for stability
   * (`torch.log_softmax`).
   */
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }

  // ---- comparison and logic --------------------------------------------

  /** `a == b` elementwise, broadcasting (`torch.eq`). */
  eq(other: TensorLike): Tensor {
    return compare.eq(this, other);
  }
  /** `a != b` elementwise (`torch.ne`). */
  ne(other: TensorLike): Tensor {
    return compare.ne(this, other);
  }
  /** `a < b` elementwise (`torch.lt`). */
  lt(other: TensorLike): Tensor {
    return compare.lt(this, other);
  }
  /** `a <= b` elementwise (`torch.le`). */
  le(other: TensorLike): Tensor {
    return compare.le(this, other);
  }
  /** `a > b` elementwise (`torch.gt`). */
  gt(other: TensorLike): Tensor {
    return compare.gt(this, other);
  }
  /** `a >= b` elementwise (`torch.ge`). */
  ge(other: TensorLike): Tensor {
    return compare.ge(this, other);
  }
  /** Elementwise AND of truth values (non-zero is true) (`torch.logical_and`). */
  logicalAnd(other: TensorLike): Tensor {
    return compare.logicalAnd(this, other);
  }
  /** Elementwise OR of truth values (`torch.logical_or`). */
  logicalOr(other: TensorLike): Tensor {
    return compare.logicalOr(this, other);
  }
  /** Elementwise XOR of truth values (`torch.logical_xor`). */
  logicalXor(other: TensorLike): Tensor {
    return compare.logicalXor(this, other);
  }
  /** Elementwise NOT of truth values (`torch.logical_not`). */
  logicalNot(): Tensor {
    return compare.logicalNot(this);
  }
  /** True where `x` is NaN (`torch.isnan`). */
  isnan(): Tensor {
    return compare.isnan(this);
  }
  /** True where `x` is +-Infinity (`torch.isinf`). */
  isinf(): Tensor {
    return compare.isinf(this);
  }
  /** True where `x` is neither NaN nor infinite (`torch.isfinite`). */
  isfinite(): Tensor {
    return compare.isfinite(this);
  }
  /** `|a - b| <= atol + rtol * |b|` elementwise (`torch.isclose`). */
  isclose(other: Tensor | number, opts?: compare.CloseOptions): Tensor {
    return compare.isclose(this, other, opts);
  }
  /**
   * True when every element of `a` is close to `b` (`torch.allclose`); synchronous, so CPU tensors
   * only (on WebGPU: `await lt.isclose(a, b).all().item()`).
   */
  allclose(other: Tensor | number, opts?: compare.CloseOptions): boolean {
    return compare.allclose(this, other, opts);
  }
  /** True when `a` and `b` have the same shape and elements (`torch.equal`); CPU tensors only. */
  equal(other: Tensor): boolean {
    return compare.equal(this, other);
  }

  // ---- reductions ----------------------------------------------------------

  /** Sum over `dim` (all dims when omitted) (`torch.sum`). */
  sum(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.sum(this, dim, opts);
  }
  /** Mean over `dim` (all dims when omitted) (`torch.mean`); floating inputs only. */
  mean(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.mean(this, dim, opts);
  }
  /** Variance over `dim` with `correction` (default 1: unbiased) (`torch.var`). */
  var(dim?: reduce.Dims, opts?: reduce.VarOptions): Tensor {
    return reduce.variance(this, dim, opts);
  }
  /** Standard deviation over `dim` with `correction` (default 1) (`torch.std`). */
  std(dim?: reduce.Dims, opts?: reduce.VarOptions): Tensor {
    return reduce.std(this, dim, opts);
  }
  /** Product over `dim` (all dims when omitted) (`torch.prod`). */
  prod(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.prod(this, dim, opts);
  }
  /** The maximum of all elements, or with `dim` the maxima and their indices (`torch.max`). */
  max(): Tensor;
  max(dim: number, opts?: reduce.ReduceOptions): reduce.ValuesIndices;
  max(dim?: number, opts?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.max(this) : reduce.max(this, dim, opts);
  }
  /** The minimum of all elements, or with `dim` the minima and their indices (`torch.min`). */
  min(): Tensor;
  min(dim: number, opts?: reduce.ReduceOptions): reduce.ValuesIndices;
  min(dim?: number, opts?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.min(this) : reduce.min(this, dim, opts);
  }
  /** Maximum over `dim` (all dims when omitted), without indices (`torch.amax`). */
  amax(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.amax(this, dim, opts);
  }
  /** Minimum over `dim` (all dims when omitted), without indices (`torch.amin`). */
  amin(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.amin(this, dim, opts);
  }
  /** Index of the maximum along `dim`, or of the flattened tensor (`torch.argmax`). */
  argmax(dim?: number, opts?: reduce.ReduceOptions): Tensor {
    return reduce.argmax(this, dim, opts);
  }
  /** Index of the minimum along `dim`, or of the flattened tensor (`torch.argmin`). */
  argmin(dim?: number, opts?: reduce.ReduceOptions): Tensor {
    return reduce.argmin(this, dim, opts);
  }
  /** True where every element over `dim` is non-zero (`torch.all`). */
  all(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.all(this, dim, opts);
  }
  /** True where any element over `dim` is non-zero (`torch.any`). */
  any(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.any(this, dim, opts);
  }
  /**
   * `log(sum(exp(x)))` over `dim`, computed stably by subtracting the maximum (`torch.logsumexp`).
   */
  logsumexp(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.logsumexp(this, dim, opts);
  }
  /** Cumulative sum along `dim` (`torch.cumsum`). */
  cumsum(dim: number): Tensor {
    return reduce.cumsum(this, dim);
  }
  /** Cumulative product along `dim` (`torch.cumprod`). */
  cumprod(dim: number): Tensor {
    return reduce.cumprod(this, dim);
  }
  /** The p-norm over `dim` (all elements when omitted) (`torch.linalg.vector_norm`). */
  norm(dim?: reduce.Dims, opts?: reduce.NormOptions): Tensor {
    return reduce.norm(this, dim, opts);
  }

  // ---- views and shape ---------------------------------------------------

  /** The same elements under a new shape, sharing memory (`Tensor.view`); one size may be -1. */
  view(shape: readonly number[]): Tensor {
    return views.view(this, shape);
  }
  /** The same elements under a new shape: a view when possible, else a copy (`torch.reshape`). */
  reshape(shape: readonly number[]): Tensor {
    return views.reshape(this, shape);
  }
  /** The same elements under a new shape, sharing memory (`Tensor.view`); one size may be -1. */
  viewAs(other: Tensor): Tensor {
    return views.view(this, other.shape);
  }
  /** The same elements under a new shape: a view when possible, else a copy (`torch.reshape`). */
  reshapeAs(other: Tensor): Tensor {
    return views.reshape(this, other.shape);
  }
  /** Reorders the dims (`torch.permute`); a view. */
  permute(dims: readonly number[]): Tensor {
    return views.permute(this, dims);
  }
  /** Swaps two dims (`torch.transpose`); a view. */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** The transpose of a matrix (`Tensor.t`); vectors and scalars are returned as they are. */
  t(): Tensor {
    return views.t(this);
  }
  /** The transpose of the last two dims (`Tensor.mT`). */
  get mT(): Tensor {
    return views.transpose(this, -2, -1);
  }
  /** All dims reversed (`Tensor.T`). */
  get T(): Tensor {
    return views.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }
  /** Moves dim `source` to position `destination` (`torch.movedim`); a view. */
  movedim(source: number, destination: number): Tensor {
    return views.movedim(this, source, destination);
  }
  /** Broadcasts `x` to `shape` without copying (`Tensor.expand`); -1 keeps a size. */
  expand(shape: readonly number[]): Tensor {
    return views.expand(this, shape);
  }
  /** Broadcasts `x` to `shape` without copying (`Tensor.expand`); -1 keeps a size. */
  expandAs(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }
  /** Removes size-1 dims: all of them, or only `dim` (`torch.squeeze`). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /**
   * Inserts a size-1 dim at `dim` (`torch.unsqueeze`); negative dims count from the end of the
   * result.
   */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** Merges dims `startDim..endDim` into one (`torch.flatten`). */
  flatten(startDim?: number, endDim?: number): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** Splits dim `dim` into `sizes` (`torch.unflatten`); one size may be -1. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return views.unflatten(this, dim, sizes);
  }
  /** Elements `start .. start + length - 1` along `dim`, as a view (`torch.narrow`). */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** Python slicing `x[..., start:end:step, ...]` along `dim`, as a view (`aten::slice`). */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return views.slice(this, dim, start, end, step);
  }
  /** The slice at `index` along `dim`, removing that dim (`torch.select`, `x[:, i]`). */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  /** NumPy/PyTorch indexing, `x[0, 1:3, None, ...]` written `x.index(0, "1:3", null, "...")`. */
  index(...specs: views.IndexSpec[]): Tensor {
    return views.index(this, ...specs);
  }
  /**
   * Splits into pieces of `size` along `dim` (the last may be smaller), or into pieces of the
   * listed sizes (`torch.split`); views.
   */
  split(sizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return join.split(this, sizeOrSections, dim);
  }
  /** Splits into `chunks` nearly equal pieces along `dim` (`torch.chunk`); views. */
  chunk(chunks: number, dim?: number): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  /** The slices along `dim`, with that dim removed (`torch.unbind`); views. */
  unbind(dim?: number): Tensor[] {
    return join.unbind(this, dim);
  }
  /** `x` reversed along `dims` (`torch.flip`); a copy. */
  flip(dims: readonly number[]): Tensor {
    return layout.flip(this, dims);
  }
  /**
   * Rotates elements along `dims` by `shifts` (`torch.roll`); without dims the flattened tensor is
   * rolled.
   */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return layout.roll(this, shifts, dims);
  }
  /**
   * Tiles `x` `repeats[i]` times along each dim (`Tensor.repeat`); extra leading repeats add dims.
   */
  repeat(repeats: readonly number[]): Tensor {
    return layout.repeat(this, repeats);
  }
  /**
   * The diagonal `offset` of the dims `dim1`, `dim2`, as a view appended as the last dim
   * (`torch.diagonal`).
   */
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor {
    return views.diagonal(this, offset, dim1, dim2);
  }
  /** The lower triangle of the last two dims, zeros above `diagonal` (`torch.tril`). */
  tril(diagonal?: number): Tensor {
    return layout.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims, zeros below `diagonal` (`torch.triu`). */
  triu(diagonal?: number): Tensor {
    return layout.triu(this, diagonal);
  }

  // ---- indexing ------------------------------------------------------------

  /**
   * Picks values along `dim` at `index` (`torch.gather`): `out[i][j] = x[i][index[i][j]]` for dim
   * 1.
   */
  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }
  /**
   * A copy of `x` with `src` written at `index` along `dim` (`Tensor.scatter`):
   * `out[i][index[i][j]] = src[i][j]` for dim 1.
   */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return indexing.scatter(this, dim, index, src);
  }
  /**
   * A copy of `x` with `src` added at `index` along `dim`; repeated indices accumulate
   * (`Tensor.scatter_add`).
   */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatterAdd(this, dim, index, src);
  }
  /** The slices of `x` at positions `index` along `dim` (`torch.index_select`). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }
  /**
   * A copy of `x` with `alpha * src`'s slices added at `index` along `dim`; repeated indices
   * accumulate (`Tensor.index_add`).
   */
  indexAdd(dim: number, index: Tensor, src: Tensor, opts?: { alpha?: number }): Tensor {
    return indexing.indexAdd(this, dim, index, src, opts);
  }
  /** `x` with `value` where `mask` is true; mask broadcasts to x's shape (`Tensor.masked_fill`). */
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor {
    return indexing.maskedFill(this, mask, value);
  }
  /**
   * The elements of `x` where `mask` (broadcast to x's shape) is true, as a 1-D tensor
   * (`torch.masked_select`, `x[mask]`); differentiable; CPU only.
   */
  maskedSelect(mask: Tensor): Tensor {
    return search.maskedSelect(this, mask);
  }
  /**
   * The indices of the non-zero elements, one row per element (`torch.nonzero`); CPU tensors (the
   * output size depends on the values).
   */
  nonzero(): Tensor {
    return search.nonzero(this);
  }
  /**
   * The values along `dim` in order, and where each came from (`torch.sort`); stable, NaN sorts as
   * the largest value.
   */
  sort(dim?: number, opts?: search.SortOptions): reduce.ValuesIndices {
    return search.sort(this, dim, opts);
  }
  /** The positions that sort `x` along `dim` (`torch.argsort`). */
  argsort(dim?: number, opts?: search.SortOptions): Tensor {
    return search.argsort(this, dim, opts);
  }
  /**
   * The `k` largest values along `dim` (last by default) and their indices, largest first
   * (`torch.topk`).
   */
  topk(k: number, opts?: search.TopkOptions): reduce.ValuesIndices {
    return search.topk(this, k, opts);
  }

  // ---- linear algebra ------------------------------------------------------

  /**
   * Matrix product with PyTorch's rules (`torch.matmul`): 1-D operands are treated as a row/column
   * vector, and leading batch dims broadcast.
   */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /** Product of two matrices (`torch.mm`). */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  /** Batched product of `[b, n, m]` and `[b, m, p]` (`torch.bmm`); no broadcasting. */
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  /** Inner product of two 1-D tensors (`torch.dot`). */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  /** Outer product of two vectors: `out[i][j] = a[i] * b[j]` (`torch.outer`). */
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }
  /** Sum of the main diagonal of a matrix (`torch.trace`). */
  trace(): Tensor {
    return linalg.trace(this);
  }
  /**
   * A square matrix with `x` on diagonal `k` (1-D input), or the diagonal `k` of a matrix as a new
   * tensor (2-D input) (`torch.diag`).
   */
  diag(k?: number): Tensor {
    return linalg.diag(this, k);
  }

  // ---- in place ------------------------------------------------------------

  /** In-place `add`: writes the result into this tensor (`Tensor.add_`). */
  add_(other: TensorLike, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "add_", (x) => arithmetic.add(x, other, opts));
  }
  /** In-place `sub`: writes the result into this tensor (`Tensor.sub_`). */
  sub_(other: TensorLike, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "sub_", (x) => arithmetic.sub(x, other, opts));
  }
  /** In-place `mul`: writes the result into this tensor (`Tensor.mul_`). */
  mul_(other: TensorLike): this {
    return inplace.apply_(this, "mul_", (x) => arithmetic.mul(x, other));
  }
  /** In-place `div`: writes the result into this tensor (`Tensor.div_`). */
  div_(other: TensorLike): this {
    return inplace.apply_(this, "div_", (x) => arithmetic.div(x, other));
  }
  /** In-place `pow`: writes the result into this tensor (`Tensor.pow_`). */
  pow_(exponent: TensorLike): this {
    return inplace.apply_(this, "pow_", (x) => arithmetic.pow(x, exponent));
  }
  /** In-place `neg`: writes the result into this tensor (`Tensor.neg_`). */
  neg_(): this {
    return inplace.apply_(this, "neg_", (x) => arithmetic.neg(x));
  }
  /** In-place `clamp`: writes the result into this tensor (`Tensor.clamp_`). */
  clamp_(opts: math.ClampOptions): this {
    return inplace.apply_(this, "clamp_", (x) => math.clamp(x, opts));
  }
  /** In-place `relu`: writes the result into this tensor (`Tensor.relu_`). */
  relu_(): this {
    return inplace.apply_(this, "relu_", (x) => activation.relu(x));
  }
  /** In-place `sqrt`: writes the result into this tensor (`Tensor.sqrt_`). */
  sqrt_(): this {
    return inplace.apply_(this, "sqrt_", (x) => math.sqrt(x));
  }
  /** In-place `exp`: writes the result into this tensor (`Tensor.exp_`). */
  exp_(): this {
    return inplace.apply_(this, "exp_", (x) => math.exp(x));
  }
  /** In-place `log`: writes the result into this tensor (`Tensor.log_`). */
  log_(): this {
    return inplace.apply_(this, "log_", (x) => math.log(x));
  }
  /** In-place `abs`: writes the result into this tensor (`Tensor.abs_`). */
  abs_(): this {
    return inplace.apply_(this, "abs_", (x) => math.abs(x));
  }
  /** In-place `tanh`: writes the result into this tensor (`Tensor.tanh_`). */
  tanh_(): this {
    return inplace.apply_(this, "tanh_", (x) => math.tanh(x));
  }
  /** In-place `sigmoid`: writes the result into this tensor (`Tensor.sigmoid_`). */
  sigmoid_(): this {
    return inplace.apply_(this, "sigmoid_", (x) => activation.sigmoid(x));
  }
  /** In-place `floor`: writes the result into this tensor (`Tensor.floor_`). */
  floor_(): this {
    return inplace.apply_(this, "floor_", (x) => math.floor(x));
  }
  /** In-place `round`: writes the result into this tensor (`Tensor.round_`). */
  round_(): this {
    return inplace.apply_(this, "round_", (x) => math.round(x));
  }
  /** In-place `scatter`: writes the result into this tensor (`Tensor.scatter_`). */
  scatter_(dim: number, index: Tensor, src: Tensor | number): this {
    return inplace.apply_(this, "scatter_", (x) => indexing.scatter(x, dim, index, src));
  }
  /** In-place `scatterAdd`: writes the result into this tensor (`Tensor.scatterAdd_`). */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return inplace.apply_(this, "scatterAdd_", (x) => indexing.scatterAdd(x, dim, index, src));
  }
  /** In-place `indexAdd`: writes the result into this tensor (`Tensor.indexAdd_`). */
  indexAdd_(dim: number, index: Tensor, src: Tensor, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "indexAdd_", (x) => indexing.indexAdd(x, dim, index, src, opts));
  }
  /** In-place `maskedFill`: writes the result into this tensor (`Tensor.maskedFill_`). */
  maskedFill_(mask: Tensor, value: number | boolean | Tensor): this {
    return inplace.apply_(this, "maskedFill_", (x) => indexing.maskedFill(x, mask, value));
  }
  /** Fills with `value` (`Tensor.fill_`). */
  fill_(value: number | boolean | Tensor): this {
    return inplace.fill_(this, value);
  }
  /** Fills with uniform samples from [low, high) (`Tensor.uniform_`). */
  uniform_(low = 0, high = 1): this {
    return inplace.copy_(
      this,
      random
        .rand(this.shape)
        .mul(high - low)
        .add(low),
    );
  }
  /** Fills with normal samples (`Tensor.normal_`). */
  normal_(mean = 0, std = 1): this {
    return inplace.copy_(this, random.normal(mean, std, this.shape));
  }
  /** Fills with zeros (`Tensor.zero_`). */
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  /** Copies `src` (broadcast to this shape) into this tensor (`Tensor.copy_`). */
  copy_(src: Tensor): this {
    return inplace.copy_(this, src);
  }
  /** Detaches this tensor from the graph in place (`Tensor.detach_`). */
  detach_(): this {
    this.#gradFn = null;
    this.#requiresGrad = false;
    return this;
  }
}
