/**
 * Base class of every error lectern throws on purpose. Messages name the op,
 * the shapes/dtypes/devices involved and the fix, e.g.
 * `matmul: shapes [2,3] and [4,5] do not align (3 != 4)`.
 *
 * @example
 * try { lt.zeros([2, 3]).matmul(lt.zeros([4, 5])); }
 * catch (e) { if (e instanceof lt.LecternError) console.log(e.message); }
 */
export class LecternError extends Error {
  override name = "LecternError";
}

/** A shape that does not fit the op (broadcasting, matmul, view...). */
export class ShapeError extends LecternError {
  override name = "ShapeError";
}

/** A dtype the op does not accept, or a promotion that is not allowed. */
export class DTypeError extends LecternError {
  override name = "DTypeError";
}

/** Tensors on different devices, or a device that is not available. */
export class DeviceError extends LecternError {
  override name = "DeviceError";
}

/** An index or dimension out of range. */
export class IndexError extends LecternError {
  override name = "IndexError";
}

/** Misuse of autograd (backward twice without retainGraph, in-place on a leaf...). */
export class AutogradError extends LecternError {
  override name = "AutogradError";
}

/** A bad argument value (negative size, unknown option...). */
export class ValueError extends LecternError {
  override name = "ValueError";
}
