/**
 * The skeleton of a one-thread-per-output-element kernel: bindings, the
 * flat index `i`, the bounds check and the dispatch grid. Window ops
 * (pooling, unfold/fold, resampling, normalization) supply only the body.
 */

import { MATH_PRELUDE } from "./math.js";
import { enqueue, type GPUDType, type WebGPUStorage } from "./queue.js";
import { BUILTINS, GROUP_ID, grid, Params, pu, storedType, WG } from "./view.js";

export interface PerElementSpec {
  op: string;
  /** Pipeline-key part for everything `body` and `helpers` depend on. */
  key: string;
  /** Bound as `in0, in1, ...`, each an array of its dtype's stored type. */
  inputs: { storage: WebGPUStorage; dtype: GPUDType }[];
  out: WebGPUStorage;
  outDtype: GPUDType;
  /** Number of output elements (threads). */
  n: number;
  /**
   * Appends the kernel's parameters and returns `{ helpers, body }`: WGSL
   * functions, and statements that compute element `i` (u32) and assign
   * `result[i]`.
   */
  build: (params: Params) => { helpers?: string; body: string };
}

/**
 * Records a dispatch of `n` threads running `body`.
 *
 * @example
 * perElement({ op: "twice", key: "twice", inputs: [x], out, outDtype: "float32", n,
 *   build: () => ({ body: "result[i] = 2.0 * in0[i];" }) });
 */
export function perElement(spec: PerElementSpec): WebGPUStorage {
  if (spec.n === 0) return spec.out;
  const params = new Params();
  params.int(spec.n);
  const { helpers = "", body } = spec.build(params);
  const types = spec.inputs.map((x) => storedType(x.dtype));
  const source = () => `${MATH_PRELUDE}
${types.map((t, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<${t}>;`).join("\n")}
@group(0) @binding(${types.length}) var<storage, read_write> result: array<${storedType(spec.outDtype)}>;
@group(0) @binding(${types.length + 1}) var<storage, read> params: array<u32>;
${helpers}

@compute @workgroup_size(${WG})
fn main(${BUILTINS}) {
  let i = ${GROUP_ID} * ${WG}u + lid;
  if (i >= ${pu(0)}) { return; }
  ${body}
}`;
  enqueue({
    op: spec.op,
    key: `pe|${spec.key}|${types.join(",")}|${spec.outDtype}`,
    source,
    buffers: [...spec.inputs.map((x) => x.storage), spec.out],
    meta: params.toArray(),
    workgroups: grid(Math.ceil(spec.n / WG)),
  });
  return spec.out;
}
