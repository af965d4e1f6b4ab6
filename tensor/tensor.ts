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

  /** Moves to a device, waiting for the read-back when the source cannot be read synchronously (GPU → CPU). */
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

  add(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return arithmetic.add(this, other, opts);
  }
  sub(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return arithmetic.sub(this, other, opts);
  }
  mul(other: TensorLike): Tensor {
    return arithmetic.mul(this, other);
  }
  div(other: TensorLike, opts?: { roundingMode?: "trunc" | "floor" }): Tensor {
    return arithmetic.div(this, other, opts);
  }
  pow(exponent: TensorLike): Tensor {
    return arithmetic.pow(this, exponent);
  }
  remainder(other: TensorLike): Tensor {
    return arithmetic.remainder(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return arithmetic.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return arithmetic.minimum(this, other);
  }
  neg(): Tensor {
    return arithmetic.neg(this);
  }
  abs(): Tensor {
    return math.abs(this);
  }
  exp(): Tensor {
    return math.exp(this);
  }
  expm1(): Tensor {
    return math.expm1(this);
  }
  log(): Tensor {
    return math.log(this);
  }
  log1p(): Tensor {
    return math.log1p(this);
  }
  sqrt(): Tensor {
    return math.sqrt(this);
  }
  rsqrt(): Tensor {
    return math.rsqrt(this);
  }
  reciprocal(): Tensor {
    return math.reciprocal(this);
  }
  square(): Tensor {
    return math.square(this);
  }
  sin(): Tensor {
    return math.sin(this);
  }
  cos(): Tensor {
    return math.cos(this);
  }
  tan(): Tensor {
    return math.tan(this);
  }
  tanh(): Tensor {
    return math.tanh(this);
  }
  erf(): Tensor {
    return math.erf(this);
  }
  sign(): Tensor {
    return math.sign(this);
  }
  round(): Tensor {
    return math.round(this);
  }
  floor(): Tensor {
    return math.floor(this);
  }
  ceil(): Tensor {
    return math.ceil(this);
  }
  trunc(): Tensor {
    return math.trunc(this);
  }
  clamp(opts: math.ClampOptions): Tensor {
    return math.clamp(this, opts);
  }
  clip(opts: math.ClampOptions): Tensor {
    return math.clamp(this, opts);
  }
  sigmoid(): Tensor {
    return activation.sigmoid(this);
  }
  relu(): Tensor {
    return activation.relu(this);
  }
  leakyRelu(negativeSlope?: number): Tensor {
    return activation.leakyRelu(this, negativeSlope);
  }
  elu(alpha?: number): Tensor {
    return activation.elu(this, alpha);
  }
  gelu(opts?: { approximate?: "none" | "tanh" }): Tensor {
    return activation.gelu(this, opts);
  }
  silu(): Tensor {
    return activation.silu(this);
  }
  softplus(opts?: { beta?: number; threshold?: number }): Tensor {
    return activation.softplus(this, opts);
  }
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }

  // ---- comparison and logic --------------------------------------------

  eq(other: TensorLike): Tensor {
    return compare.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return compare.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return compare.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return compare.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return compare.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return compare.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return compare.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return compare.logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return compare.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return compare.logicalNot(this);
  }
  isnan(): Tensor {
    return compare.isnan(this);
  }
  isinf(): Tensor {
    return compare.isinf(this);
  }
  isfinite(): Tensor {
    return compare.isfinite(this);
  }
  isclose(other: Tensor | number, opts?: compare.CloseOptions): Tensor {
    return compare.isclose(this, other, opts);
  }
  allclose(other: Tensor | number, opts?: compare.CloseOptions): boolean {
    return compare.allclose(this, other, opts);
  }
  equal(other: Tensor): boolean {
    return compare.equal(this, other);
  }

  // ---- reductions ----------------------------------------------------------

  sum(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.sum(this, dim, opts);
  }
  mean(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.mean(this, dim, opts);
  }
  var(dim?: reduce.Dims, opts?: reduce.VarOptions): Tensor {
    return reduce.variance(this, dim, opts);
  }
  std(dim?: reduce.Dims, opts?: reduce.VarOptions): Tensor {
    return reduce.std(this, dim, opts);
  }
  prod(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.prod(this, dim, opts);
  }
  max(): Tensor;
  max(dim: number, opts?: reduce.ReduceOptions): reduce.ValuesIndices;
  max(dim?: number, opts?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.max(this) : reduce.max(this, dim, opts);
  }
  min(): Tensor;
  min(dim: number, opts?: reduce.ReduceOptions): reduce.ValuesIndices;
  min(dim?: number, opts?: reduce.ReduceOptions): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.min(this) : reduce.min(this, dim, opts);
  }
  amax(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.amax(this, dim, opts);
  }
  amin(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.amin(this, dim, opts);
  }
  argmax(dim?: number, opts?: reduce.ReduceOptions): Tensor {
    return reduce.argmax(this, dim, opts);
  }
  argmin(dim?: number, opts?: reduce.ReduceOptions): Tensor {
    return reduce.argmin(this, dim, opts);
  }
  all(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.all(this, dim, opts);
  }
  any(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.any(this, dim, opts);
  }
  logsumexp(dim?: reduce.Dims, opts?: reduce.ReduceOptions): Tensor {
    return reduce.logsumexp(this, dim, opts);
  }
  cumsum(dim: number): Tensor {
    return reduce.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return reduce.cumprod(this, dim);
  }
  norm(dim?: reduce.Dims, opts?: reduce.NormOptions): Tensor {
    return reduce.norm(this, dim, opts);
  }

  // ---- views and shape ---------------------------------------------------

  view(shape: readonly number[]): Tensor {
    return views.view(this, shape);
  }
  reshape(shape: readonly number[]): Tensor {
    return views.reshape(this, shape);
  }
  viewAs(other: Tensor): Tensor {
    return views.view(this, other.shape);
  }
  reshapeAs(other: Tensor): Tensor {
    return views.reshape(this, other.shape);
  }
  permute(dims: readonly number[]): Tensor {
    return views.permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
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
  movedim(source: number, destination: number): Tensor {
    return views.movedim(this, source, destination);
  }
  expand(shape: readonly number[]): Tensor {
    return views.expand(this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  flatten(startDim?: number, endDim?: number): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return views.unflatten(this, dim, sizes);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return views.slice(this, dim, start, end, step);
  }
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  index(...specs: views.IndexSpec[]): Tensor {
    return views.index(this, ...specs);
  }
  split(sizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return join.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim?: number): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  unbind(dim?: number): Tensor[] {
    return join.unbind(this, dim);
  }
  flip(dims: readonly number[]): Tensor {
    return layout.flip(this, dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return layout.roll(this, shifts, dims);
  }
  repeat(repeats: readonly number[]): Tensor {
    return layout.repeat(this, repeats);
  }
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor {
    return views.diagonal(this, offset, dim1, dim2);
  }
  tril(diagonal?: number): Tensor {
    return layout.tril(this, diagonal);
  }
  triu(diagonal?: number): Tensor {
    return layout.triu(this, diagonal);
  }

  // ---- indexing ------------------------------------------------------------

  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return indexing.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }
  indexAdd(dim: number, index: Tensor, src: Tensor, opts?: { alpha?: number }): Tensor {
    return indexing.indexAdd(this, dim, index, src, opts);
  }
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor {
    return indexing.maskedFill(this, mask, value);
  }
  maskedSelect(mask: Tensor): Tensor {
    return search.maskedSelect(this, mask);
  }
  nonzero(): Tensor {
    return search.nonzero(this);
  }
  sort(dim?: number, opts?: search.SortOptions): reduce.ValuesIndices {
    return search.sort(this, dim, opts);
  }
  argsort(dim?: number, opts?: search.SortOptions): Tensor {
    return search.argsort(this, dim, opts);
  }
  topk(k: number, opts?: search.TopkOptions): reduce.ValuesIndices {
    return search.topk(this, k, opts);
  }

  // ---- linear algebra ------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }
  trace(): Tensor {
    return linalg.trace(this);
  }
  diag(k?: number): Tensor {
    return linalg.diag(this, k);
  }

  // ---- in place ------------------------------------------------------------

  add_(other: TensorLike, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "add_", (x) => arithmetic.add(x, other, opts));
  }
  sub_(other: TensorLike, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "sub_", (x) => arithmetic.sub(x, other, opts));
  }
  mul_(other: TensorLike): this {
    return inplace.apply_(this, "mul_", (x) => arithmetic.mul(x, other));
  }
  div_(other: TensorLike): this {
    return inplace.apply_(this, "div_", (x) => arithmetic.div(x, other));
  }
  pow_(exponent: TensorLike): this {
    return inplace.apply_(this, "pow_", (x) => arithmetic.pow(x, exponent));
  }
  neg_(): this {
    return inplace.apply_(this, "neg_", (x) => arithmetic.neg(x));
  }
  clamp_(opts: math.ClampOptions): this {
    return inplace.apply_(this, "clamp_", (x) => math.clamp(x, opts));
  }
  relu_(): this {
    return inplace.apply_(this, "relu_", (x) => activation.relu(x));
  }
  sqrt_(): this {
    return inplace.apply_(this, "sqrt_", (x) => math.sqrt(x));
  }
  exp_(): this {
    return inplace.apply_(this, "exp_", (x) => math.exp(x));
  }
  log_(): this {
    return inplace.apply_(this, "log_", (x) => math.log(x));
  }
  abs_(): this {
    return inplace.apply_(this, "abs_", (x) => math.abs(x));
  }
  tanh_(): this {
    return inplace.apply_(this, "tanh_", (x) => math.tanh(x));
  }
  sigmoid_(): this {
    return inplace.apply_(this, "sigmoid_", (x) => activation.sigmoid(x));
  }
  floor_(): this {
    return inplace.apply_(this, "floor_", (x) => math.floor(x));
  }
  round_(): this {
    return inplace.apply_(this, "round_", (x) => math.round(x));
  }
  scatter_(dim: number, index: Tensor, src: Tensor | number): this {
    return inplace.apply_(this, "scatter_", (x) => indexing.scatter(x, dim, index, src));
  }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return inplace.apply_(this, "scatterAdd_", (x) => indexing.scatterAdd(x, dim, index, src));
  }
  indexAdd_(dim: number, index: Tensor, src: Tensor, opts?: { alpha?: number }): this {
    return inplace.apply_(this, "indexAdd_", (x) => indexing.indexAdd(x, dim, index, src, opts));
  }
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
