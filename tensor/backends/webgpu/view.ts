/**
 * Strided views of GPU storage and the WGSL pieces every kernel shares:
 * dtype spelling, dispatch grids, and index arithmetic over shapes/strides.
 *
 * Kernels read their inputs through (shape, strides, offset), so transposes,
 * broadcasts, slices and expands cost nothing: the shader walks the view.
 */

import type { GPUDType, WebGPUStorage } from "./queue.js";

export { contiguousStrides, sizeOf } from "../../shape.js";

/** A tensor as a kernel sees it: storage plus the view's geometry (in elements). */
export interface GPUView {
  storage: WebGPUStorage;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  dtype: GPUDType;
}

/** Threads per workgroup for 1-D kernels; every WebGPU adapter allows 256. */
export const WG = 256;
/** The WebGPU minimum for workgroups per grid dimension. */
const MAX_GROUPS = 65535;

/** WGSL type a dtype is stored as (bool is a u32 holding 0 or 1). */
export function storedType(dtype: GPUDType): "f32" | "i32" | "u32" {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "u32";
}

/** WGSL type a dtype is computed in (bool becomes `bool`). */
export function valueType(dtype: GPUDType): "f32" | "i32" | "bool" {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "bool";
}

/** WGSL expression converting a stored word `e` to its value type. */
export function loadAs(dtype: GPUDType, e: string): string {
  return dtype === "bool" ? `(${e} != 0u)` : e;
}

/** WGSL expression converting a value `e` to the stored word. */
export function storeAs(dtype: GPUDType, e: string): string {
  return dtype === "bool" ? `select(0u, 1u, ${e})` : e;
}

/** Workgroup counts covering `groups` groups, folded into y past the per-dimension limit. */
export function grid(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS) return [Math.max(groups, 1), 1, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
}

/** WGSL for the flat workgroup id of a `grid()` dispatch. */
export const GROUP_ID = "(wid.y * nwg.x + wid.x)";
export const BUILTINS =
  "@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32";

/**
 * Strides of `view` broadcast to `shape` (right-aligned, 0 where the view has
 * size 1 or no dimension), as PyTorch's `expand` does.
 */
export function broadcastStrides(
  view: { shape: readonly number[]; strides: readonly number[] },
  shape: readonly number[],
): number[] {
  const lead = shape.length - view.shape.length;
  return shape.map((_, d) => {
    const vd = d - lead;
    if (vd < 0 || view.shape[vd] === 1) return 0;
    return view.strides[vd];
  });
}

/**
 * Merges adjacent dimensions that every stride list walks contiguously, and
 * drops size-1 dimensions. `[2,3,4]` with strides `[12,4,1]` becomes `[24]`
 * with `[1]`: fewer divisions per element, fewer shader variants.
 */
export function coalesce(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): {
  shape: number[];
  strides: number[][];
} {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && stridesList.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      stridesList.forEach((s, k) => {
        outStrides[k][last] = s[d];
      });
    } else {
      outShape.push(shape[d]);
      stridesList.forEach((s, k) => {
        outStrides[k].push(s[d]);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Builds a dispatch's `params` words. Signed values (strides, offsets) are
 * stored as their two's-complement bits and read with `bitcast<i32>`; floats
 * with `bitcast<f32>`.
 */
export class Params {
  private readonly words: number[] = [];
  private readonly floats = new Float32Array(1);
  private readonly floatBits = new Uint32Array(this.floats.buffer);

  /** Appends unsigned/signed integers; returns the index of the first. */
  int(...values: number[]): number {
    const at = this.words.length;
    for (const v of values) this.words.push(v >>> 0);
    return at;
  }

  /** Appends a float32 (read in WGSL as `bitcast<f32>(params[i])`). */
  float(value: number): number {
    this.floats[0] = value;
    return this.int(this.floatBits[0]);
  }

  /** Overwrites word `at` (to fill in a position known only later). */
  set(at: number, value: number): void {
    this.words[at] = value >>> 0;
  }

  get length(): number {
    return this.words.length;
  }

  toArray(): Uint32Array {
    return Uint32Array.from(this.words);
  }
}

/** WGSL reading params word `i` as u32 / i32 / f32. */
export const pu = (i: number) => `params[${i}]`;
export const pi = (i: number) => `bitcast<i32>(params[${i}])`;
export const pf = (i: number) => `bitcast<f32>(params[${i}])`;

/**
 * WGSL statements that unravel the flat index `flat` over a shape stored at
 * params[shapeAt..shapeAt+rank) and accumulate, for each stride list k stored
 * at params[stridesAt[k]..), the element offset into variable `o{k}` (which
 * must already be declared `var`). Dimensions are unrolled: rank is part of
 * the pipeline key, sizes are not.
 */
export function unravel(
  flat: string,
  rank: number,
  shapeAt: number,
  stridesAt: number[],
  names: string[],
): string {
  if (rank === 0) return "";
  const lines = [`var rem_${names[0]} = ${flat};`];
  for (let d = rank - 1; d >= 0; d--) {
    const size = pu(shapeAt + d);
    lines.push(
      `{ let c = i32(rem_${names[0]} % ${size}); rem_${names[0]} = rem_${names[0]} / ${size};`,
    );
    stridesAt.forEach((at, k) => {
      lines.push(`  ${names[k]} += c * ${pi(at + d)};`);
    });
    lines.push("}");
  }
  return lines.join("\n    ");
}
