/**
 * `argsort`: each element's rank in its line is the number of elements that
 * sort before it, so every thread places one element without a sorting
 * network. O(n²) per line, deterministic and stable (ties keep index order,
 * NaN sorts last ascending and first descending, as on the CPU).
 */

import { dense } from "./elementwise.js";
import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import { type GPUView, sizeOf } from "./view.js";

/**
 * int32 positions that sort each line of `x` along `dim`.
 *
 * @example
 * argsort(x, 1, false);
 */
export function argsort(x: GPUView, dim: number, descending: boolean): WebGPUStorage {
  const n = sizeOf(x.shape);
  const len = x.shape[dim];
  const stride = sizeOf(x.shape.slice(dim + 1));
  return perElement({
    op: "argsort",
    key: `argsort|${descending}`,
    inputs: [dense(x)],
    out: allocStorage(n, "int32"),
    outDtype: "int32",
    n,
    build: (params) => {
      const at = params.int(len, stride);
      const v = x.dtype === "float32" ? "f32" : "i32";
      const isNan = x.dtype === "float32" ? "is_nan" : "no_nan";
      return {
        helpers: `
fn no_nan(v: i32) -> bool { return false; }
// -1, 0, 1 as a sorts before, with, after b (NaN largest).
fn compare(a: ${v}, b: ${v}) -> i32 {
  if (${isNan}(a)) { return select(1, 0, ${isNan}(b)); }
  if (${isNan}(b)) { return -1; }
  return select(select(0, 1, a > b), -1, a < b);
}`,
        body: `
  let len = params[${at}];
  let stride = params[${at + 1}];
  let j = (i / stride) % len;
  let line = (i / (stride * len)) * stride * len + i % stride;
  let mine = in0[line + j * stride];
  var rank = 0u;
  for (var k = 0u; k < len; k++) {
    let c = ${descending ? "-" : ""}compare(in0[line + k * stride], mine);
    if (c < 0 || (c == 0 && k < j)) { rank++; }
  }
  result[line + rank * stride] = i32(j);`,
      };
    },
  });
}
