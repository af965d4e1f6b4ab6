/**
 * The native CPU kernels (`native/lectern.cc`), when `npm install` built them
 * into `build/Release/lectern_native.node`. Installing lectern as a
 * dependency may skip the build (npm 11 runs no dependency install scripts
 * by default), and `LECTERN_NATIVE=0` turns them off: either way
 * {@link nativeKernels} returns null and the TypeScript kernels run.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The addon's functions; `lectern.cc` documents each one. */
export interface NativeAddon {
  /** C = A·B (+ C), A(i, p) = a[aOffset + i*aRow + p*aCol], likewise B; C row-major with stride ldc. */
  gemm(
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOffset: number,
    aRow: number,
    aCol: number,
    b: Float32Array,
    bOffset: number,
    bRow: number,
    bCol: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
    accumulate: boolean,
  ): void;
  /**
   * out = op(inputs) over `shape` (row-major out); operand i starts at
   * offsets[i] and steps strides[i * shape.length + d] along dim d.
   */
  elementwise(
    op: number,
    shape: Int32Array,
    out: Float32Array | Uint8Array,
    inputs: ArrayBufferView[],
    offsets: Int32Array,
    strides: Int32Array,
  ): void;
  /** Softmax (or log-softmax) of `lines` lines: line r at outer[r] + j * srcStride, written like reduce.ts's lineKernel. */
  softmaxLines(
    log: boolean,
    src: Float32Array,
    outer: Int32Array,
    srcStride: number,
    len: number,
    dst: Float32Array,
    dStride: number,
  ): void;
  /**
   * out[r] = fold over j < len of src[outer[r] + inner[j]] (inner null: + j);
   * op 0 sum (in double), 1 max, 2 min (NaN wins).
   */
  reduceRows(
    op: number,
    src: Float32Array,
    outer: Int32Array,
    inner: Int32Array | null,
    out: Float32Array,
    len: number,
  ): void;
  /**
   * normalization.ts's primitive over `[outer, channels, inner]`: kind 0
   * moments(x) → out [2, channels]; 1 normalize(x, stats); 2 backward(x, stats, gradOut).
   */
  norm(
    kind: number,
    outer: number,
    channels: number,
    inner: number,
    eps: number,
    out: Float32Array,
    x: Float32Array,
    ...rest: Float32Array[]
  ): void;
  /** unfold.ts's windowTransfer with column row r at colsOffset + r * colsRowStride; geometry is inSize, outSize, kernel, stride, padding, dilation. */
  windowTransfer(
    image: Float32Array,
    imageOffset: number,
    cols: Float32Array,
    colsOffset: number,
    colsRowStride: number,
    channels: number,
    geometry: Int32Array,
    toColumns: boolean,
  ): void;
  setThreads(n: number): void;
  getThreads(): number;
  /** The instruction set the GEMM was dispatched to: "avx512", "avx2" or "baseline". */
  isa(): string;
}

function load(): NativeAddon | null {
  if (process.env.LECTERN_NATIVE === "0") return null;
  try {
    const path = fileURLToPath(
      new URL("../../../../build/Release/lectern_native.node", import.meta.url),
    );
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch {
    return null;
  }
}

const addon = load();
let enabled = addon !== null;

/** The addon when it is built and enabled, else null (use the TypeScript kernels). */
export function nativeKernels(): NativeAddon | null {
  return enabled ? addon : null;
}

/** Whether the addon was built and could be loaded at all. */
export function nativeAvailable(): boolean {
  return addon !== null;
}

/**
 * Switches the native kernels off (or back on, when built) for this
 * process; tests use it to run the same fixtures through both paths.
 */
export function setNativeEnabled(on: boolean): void {
  enabled = on && addon !== null;
}
