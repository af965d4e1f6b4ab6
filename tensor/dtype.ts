import { DTypeError } from "./errors.js";

/** The element types lectern tensors hold. `float16` may follow on WebGPU. */
export type DType = "float32" | "int32" | "bool";

/** Dtype names as constants, so `{ dtype: lt.float32 }` reads like `torch.float32`. */
export const float32 = "float32" satisfies DType;
export const int32 = "int32" satisfies DType;
export const bool = "bool" satisfies DType;

/** The typed array that holds a tensor's elements on the CPU. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** Maps a dtype to the typed array that stores it (bool is one byte, 0 or 1). */
export interface TypedArrayFor {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

const arrayTypes = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/**
 * A zero-filled typed array of `size` elements for `dtype`.
 *
 * @example
 * typedArray("int32", 3); // Int32Array [0, 0, 0]
 */
export function typedArray(dtype: DType, size: number): TypedArray {
  return new arrayTypes[dtype](size);
}

/** The dtype a typed array holds, or undefined for other array types. */
export function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "bool";
  return undefined;
}

/** Throws a DTypeError unless `dtype` is one lectern knows. */
export function checkDType(dtype: unknown, op: string): DType {
  if (dtype === "float32" || dtype === "int32" || dtype === "bool") return dtype;
  if (dtype === "float64" || dtype === "float" || dtype === "double") {
    throw new DTypeError(`${op}: dtype "${String(dtype)}" is not supported; use "float32"`);
  }
  if (dtype === "int64" || dtype === "long" || dtype === "int") {
    throw new DTypeError(`${op}: dtype "${String(dtype)}" is not supported; use "int32"`);
  }
  throw new DTypeError(`${op}: unknown dtype "${String(dtype)}"; use "float32", "int32" or "bool"`);
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32";
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/**
 * The smallest dtype both `a` and `b` convert to without losing their
 * category (PyTorch's `torch.promote_types`).
 *
 * @example
 * promoteTypes("int32", "float32"); // "float32"
 */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

let defaultFloat: DType = "float32";

/** The dtype of floating-point results from integer inputs (`torch.get_default_dtype`). */
export function getDefaultDType(): DType {
  return defaultFloat;
}

/**
 * Sets the default floating dtype. Only "float32" exists today; the function
 * is here so code written for PyTorch reads the same.
 */
export function setDefaultDType(dtype: DType): void {
  if (!isFloating(checkDType(dtype, "setDefaultDType"))) {
    throw new DTypeError(`setDefaultDType: "${dtype}" is not a floating dtype; use "float32"`);
  }
  defaultFloat = dtype;
}

/** The dtype a JS scalar has as an operand: booleans are bool, integers int32, others float32. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int32" : defaultFloat;
}

/** An operand of a type-promoting op as PyTorch sees it: a dimensioned tensor, a 0-d tensor or a scalar. */
export interface PromotionOperand {
  dtype: DType;
  kind: "tensor" | "zeroDim" | "scalar";
}

function category(dtype: DType): number {
  return dtype === "bool" ? 0 : dtype === "int32" ? 1 : 2;
}

// PyTorch's ResultTypeState::combine_categories: a lower priority operand
// (0-d tensor, then scalar) only changes the result when it is of a higher
// category (bool < integer < floating).
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === "bool" || category(lower) > category(higher)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * PyTorch's `torch.result_type`: tensors with dimensions decide the dtype;
 * 0-d tensors and scalars only promote it to a higher category, so
 * `int32 tensor + 2.5` is float32 and `float32 tensor + 2` stays float32.
 */
export function resultType(...operands: PromotionOperand[]): DType {
  const state: Record<PromotionOperand["kind"], DType | undefined> = {
    tensor: undefined,
    zeroDim: undefined,
    scalar: undefined,
  };
  for (const o of operands) {
    const prev = state[o.kind];
    state[o.kind] = prev === undefined ? o.dtype : promoteTypes(prev, o.dtype);
  }
  const r = combine(state.tensor, combine(state.zeroDim, state.scalar));
  if (r === undefined) throw new DTypeError("resultType: needs at least one operand");
  return r;
}
