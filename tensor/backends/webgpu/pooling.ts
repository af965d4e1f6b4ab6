/**
 * Max and average pooling over three spatial dims (1-d and 2-d pools have
 * size-1 leading dims), driven by the same per-axis window tables as the CPU
 * (tensor/backends/cpu/pool.ts), so fixed-kernel and adaptive pools share
 * one kernel. The average pool's gradient is computed per input position
 * (a gather over the windows that contain it), so it needs no atomics and is
 * deterministic.
 */

import type { PoolAttrs } from "../cpu/pool.js";
import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import type { GPUView, Params } from "./view.js";

/**
 * Writes the window tables into params; returns WGSL accessors for them.
 * The header has a fixed layout (table positions are stored in it, not baked
 * into the shader), so one pipeline serves every pool size.
 */
function windowTables(params: Params, a: PoolAttrs): string {
  const w = a.windows;
  const header = params.int(
    a.planes,
    ...a.inSize,
    ...w.map((x) => x.first.length),
    ...w.map((x) => x.step),
  );
  const tablesAt = params.int(...new Array(9).fill(0));
  const divAt = params.int(a.divisor === "span" ? 1 : a.divisor === "count" ? 2 : 0);
  params.float(typeof a.divisor === "number" ? a.divisor : 1);
  const tables = [...w.map((x) => x.first), ...w.map((x) => x.count), ...w.map((x) => x.span)];
  tables.forEach((table, t) => {
    params.set(tablesAt + t, params.int(...table));
  });
  const pick = (name: string, table: number) =>
    `fn ${name}(axis: u32, o: u32) -> i32 { return i32(params[params[${tablesAt + table}u + axis] + o]); }`;
  return `
fn in_size() -> vec3<i32> { return vec3<i32>(i32(params[${header + 1}]), i32(params[${header + 2}]), i32(params[${header + 3}])); }
fn out_size() -> vec3<u32> { return vec3<u32>(params[${header + 4}], params[${header + 5}], params[${header + 6}]); }
fn tap_step(axis: u32) -> i32 { return i32(params[${header + 7}u + axis]); }
${pick("first", 0)}
${pick("count", 3)}
${pick("span", 6)}
fn divisor(o: vec3<u32>) -> f32 {
  let kind = params[${divAt}];
  if (kind == 1u) { return f32(span(0u, o.x) * span(1u, o.y) * span(2u, o.z)); }
  if (kind == 2u) { return f32(count(0u, o.x) * count(1u, o.y) * count(2u, o.z)); }
  return bitcast<f32>(params[${divAt + 1}]);
}
fn unravel_out(r: u32) -> vec3<u32> {
  let s = out_size();
  return vec3<u32>(r / (s.y * s.z), (r / s.z) % s.y, r % s.z);
}`;
}

/**
 * For every output of every plane, the flat position of its window's
 * maximum inside the input plane (`returnIndices`); values are a gather.
 *
 * @example
 * maxPoolIndices(x, attrs); // int32 [planes, ...outSize]
 */
export function maxPoolIndices(x: GPUView, a: PoolAttrs): WebGPUStorage {
  const outVol = a.windows.reduce((n, w) => n * w.first.length, 1);
  return perElement({
    op: "maxPoolIndices",
    key: "maxPoolIndices",
    inputs: [x],
    out: allocStorage(a.planes * outVol, "int32"),
    outDtype: "int32",
    n: a.planes * outVol,
    build: (params) => ({
      helpers: windowTables(params, a),
      body: `
  let s = out_size();
  let p = i / (s.x * s.y * s.z);
  let o = unravel_out(i % (s.x * s.y * s.z));
  let n = in_size();
  let base = i32(p) * n.x * n.y * n.z;
  var best = -inf_f32();
  var arg = (first(0u, o.x) * n.y + first(1u, o.y)) * n.z + first(2u, o.z);
  for (var a = 0; a < count(0u, o.x); a++) {
    let d = first(0u, o.x) + a * tap_step(0u);
    for (var b = 0; b < count(1u, o.y); b++) {
      let h = first(1u, o.y) + b * tap_step(1u);
      for (var c = 0; c < count(2u, o.z); c++) {
        let at = (d * n.y + h) * n.z + first(2u, o.z) + c * tap_step(2u);
        let v = in0[base + at];
        // The CPU's rule, including that a later NaN replaces an earlier one.
        if (v > best || is_nan(v)) { best = v; arg = at; }
      }
    }
  }
  result[i] = arg;`,
    }),
  });
}

/**
 * Averages over the windows, divided as `attrs.divisor` says.
 *
 * @example
 * avgPool(x, attrs); // [planes, ...outSize]
 */
export function avgPool(x: GPUView, a: PoolAttrs): WebGPUStorage {
  const outVol = a.windows.reduce((n, w) => n * w.first.length, 1);
  return perElement({
    op: "avgPool",
    key: "avgPool",
    inputs: [x],
    out: allocStorage(a.planes * outVol, "float32"),
    outDtype: "float32",
    n: a.planes * outVol,
    build: (params) => ({
      helpers: windowTables(params, a),
      body: `
  let s = out_size();
  let p = i / (s.x * s.y * s.z);
  let o = unravel_out(i % (s.x * s.y * s.z));
  let n = in_size();
  let base = i32(p) * n.x * n.y * n.z;
  var sum = 0.0;
  for (var a = 0; a < count(0u, o.x); a++) {
    let d = first(0u, o.x) + a * tap_step(0u);
    for (var b = 0; b < count(1u, o.y); b++) {
      let h = first(1u, o.y) + b * tap_step(1u);
      for (var c = 0; c < count(2u, o.z); c++) {
        sum += in0[base + (d * n.y + h) * n.z + first(2u, o.z) + c * tap_step(2u)];
      }
    }
  }
  result[i] = sum / divisor(o);`,
    }),
  });
}

/**
 * Gradient of {@link avgPool}: each input position sums, over the windows
 * that read it, the output gradient divided like the forward.
 *
 * @example
 * avgPoolBackward(gy, attrs); // [planes, ...inSize]
 */
export function avgPoolBackward(gy: GPUView, a: PoolAttrs): WebGPUStorage {
  const inVol = a.inSize[0] * a.inSize[1] * a.inSize[2];
  return perElement({
    op: "avgPoolBackward",
    key: "avgPoolBackward",
    inputs: [gy],
    out: allocStorage(a.planes * inVol, "float32"),
    outDtype: "float32",
    n: a.planes * inVol,
    build: (params) => ({
      helpers: `${windowTables(params, a)}
// True when window o along axis reads input index x.
fn reads(axis: u32, o: u32, x: i32) -> bool {
  let t = x - first(axis, o);
  return t >= 0 && t % tap_step(axis) == 0 && t / tap_step(axis) < count(axis, o);
}`,
      body: `
  let n = in_size();
  let plane = u32(n.x * n.y * n.z);
  let p = i / plane;
  let r = i32(i % plane);
  let x = vec3<i32>(r / (n.y * n.z), (r / n.z) % n.y, r % n.z);
  let s = out_size();
  let base = p * s.x * s.y * s.z;
  var sum = 0.0;
  for (var od = 0u; od < s.x; od++) {
    if (!reads(0u, od, x.x)) { continue; }
    for (var oh = 0u; oh < s.y; oh++) {
      if (!reads(1u, oh, x.y)) { continue; }
      for (var ow = 0u; ow < s.z; ow++) {
        if (!reads(2u, ow, x.z)) { continue; }
        let o = vec3<u32>(od, oh, ow);
        sum += in0[base + (od * s.y + oh) * s.z + ow] / divisor(o);
      }
    }
  }
  result[i] = sum;`,
    }),
  });
}
