/**
 * The tensor engine: `Tensor`, creation, every op as a function, autograd,
 * random numbers, dtypes and the backend registry. Re-exported flat from
 * the package root (`import * as lt from "lectern"`).
 */

export * as autograd from "./autograd/index.js";
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from "./autograd/mode.js";
export {
  type Backend,
  getBackend,
  getKernel,
  hasKernel,
  type KernelFn,
  type KernelInput,
  type KernelOutput,
  listBackends,
  registerBackend,
  registerKernel,
} from "./backends/backend.js";
export { getNumThreads, setNumThreads } from "./backends/cpu/threads.js";
export { getDefaultDevice, setDefaultDevice } from "./device.js";
export { devices, synchronize, webgpuMemoryStats } from "./backends/webgpu/index.js";
export {
  bool,
  type DType,
  float32,
  getDefaultDType,
  int32,
  promoteTypes,
  resultType,
  setDefaultDType,
  type TypedArray,
} from "./dtype.js";
export {
  AutogradError,
  DeviceError,
  DTypeError,
  IndexError,
  LecternError,
  ShapeError,
  ValueError,
} from "./errors.js";
export { setTensorDisplay, type TensorDisplay } from "./format.js";
export { setInterruptCheck } from "./interrupt.js";
export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus } from "./ops/activation.js";
export {
  add,
  atan2,
  div,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  remainder,
  sub,
} from "./ops/arithmetic.js";
export { sumTo, type TensorLike } from "./ops/broadcast.js";
export { cast } from "./ops/cast.js";
export {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from "./ops/conv.js";
export {
  allclose,
  type CloseOptions,
  eq,
  equal,
  ge,
  gt,
  isclose,
  isfinite,
  isinf,
  isnan,
  le,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  lt,
  ne,
} from "./ops/compare.js";
export { dropout, dropout1d, dropout2d, dropout3d } from "./ops/dropout.js";
export { type EmbeddingOptions, embedding } from "./ops/embedding.js";
export {
  arange,
  type CreationOptions,
  eye,
  full,
  fullLike,
  linspace,
  type NestedArray,
  ones,
  onesLike,
  type ShapeLike,
  tensor,
  zeros,
  zerosLike,
} from "./ops/creation.js";
export {
  gather,
  indexAdd,
  indexSelect,
  maskedFill,
  scatter,
  scatterAdd,
  where,
} from "./ops/indexing.js";
export { clone } from "./ops/inplace.js";
export {
  type InterpolateMode,
  type InterpolateOptions,
  interpolate,
  upsample,
} from "./ops/interpolate.js";
export { cat, chunk, split, stack, unbind } from "./ops/join.js";
export { flip, meshgrid, type PadOptions, pad, repeat, roll, tril, triu } from "./ops/layout.js";
export { bmm, diag, dot, einsum, matmul, mm, outer, trace } from "./ops/linalg.js";
export {
  argsort,
  maskedSelect,
  nonzero,
  type SortOptions,
  sort,
  type TopkOptions,
  topk,
} from "./ops/search.js";
export {
  abs,
  ceil,
  type ClampOptions,
  clamp,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  reciprocal,
  round,
  rsqrt,
  sign,
  sin,
  sqrt,
  square,
  tan,
  tanh,
  trunc,
} from "./ops/math.js";
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumprod,
  cumsum,
  type Dims,
  logsumexp,
  max,
  mean,
  min,
  type NormOptions,
  norm,
  prod,
  type ReduceOptions,
  std,
  type ValuesIndices,
  type VarOptions,
  variance as var,
} from "./ops/reduce.js";
export {
  batchNorm,
  groupNorm,
  type LocalResponseNormOptions,
  layerNorm,
  localResponseNorm,
} from "./ops/normalization.js";
export {
  type AdaptiveSize,
  type AvgPoolOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  type MaxPoolOptions,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  type MaxUnpoolOptions,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
} from "./ops/pool.js";
export { logSoftmax, softmax } from "./ops/softmax.js";
export { fold, type IntOrTuple, type UnfoldOptions, unfold } from "./ops/unfold.js";
export {
  contiguous,
  diagonal,
  expand,
  flatten,
  type IndexSpec,
  index,
  movedim,
  narrow,
  permute,
  reshape,
  type SliceSpec,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unflatten,
  unsqueeze,
  view,
} from "./ops/view.js";
export {
  bernoulli,
  generatorState,
  manualSeed,
  multinomial,
  normal,
  philox4x32,
  rand,
  randint,
  randintLike,
  randLike,
  randn,
  randnLike,
  randperm,
  setGeneratorState,
} from "./random.js";
export { Storage } from "./storage.js";
export { type BackwardOptions, type NestedValues, type RemovableHandle, Tensor } from "./tensor.js";
