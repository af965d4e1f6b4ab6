/**
 * Runs every case of test/fixtures/tensor/*.json (generated with PyTorch by
 * scripts/fixturegen/tensor_ops.py): builds the inputs (applying the same
 * non-contiguous views), runs the op, and compares outputs, dtypes and the
 * gradients of sum(out_i * upstream_i) with PyTorch's.
 *
 * Tolerances: outputs within 1e-5 + 1e-5·|expected| (float32 against a
 * float64 reference), gradients within 1e-4 + 1e-4·|expected|; a case may
 * widen them (`tol`), e.g. exp of large arguments.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as lt from "../../tensor/index.js";
import { assertClose } from "./assert-close.js";

interface Encoded {
  shape: number[];
  dtype: lt.DType;
  data: (number | string | null)[];
  view?: [string, ...unknown[]];
  grad?: boolean;
}

interface Case {
  name: string;
  op: string;
  args: Record<string, any>;
  inputs: Encoded[];
  outputs: Encoded[];
  upstream: (Encoded | null)[];
  grads: (Encoded | null)[];
  tol?: { atol?: number; rtol?: number };
}

type Op = (inputs: lt.Tensor[], args: Record<string, any>) => lt.Tensor | lt.Tensor[];

const unary =
  (f: (x: lt.Tensor) => lt.Tensor): Op =>
  ([x]) =>
    f(x);
const binary =
  (f: (a: lt.Tensor, b: lt.Tensor) => lt.Tensor): Op =>
  ([a, b]) =>
    f(a, b);

/** The ops the fixtures name, called through the public API. */
const ops: Record<string, Op> = {
  neg: unary(lt.neg),
  abs: unary(lt.abs),
  exp: unary(lt.exp),
  expm1: unary(lt.expm1),
  log: unary(lt.log),
  log1p: unary(lt.log1p),
  sqrt: unary(lt.sqrt),
  rsqrt: unary(lt.rsqrt),
  reciprocal: unary(lt.reciprocal),
  sin: unary(lt.sin),
  cos: unary(lt.cos),
  tan: unary(lt.tan),
  tanh: unary(lt.tanh),
  erf: unary(lt.erf),
  sigmoid: unary(lt.sigmoid),
  relu: unary(lt.relu),
  sign: unary(lt.sign),
  round: unary(lt.round),
  floor: unary(lt.floor),
  ceil: unary(lt.ceil),
  trunc: unary(lt.trunc),
  square: unary(lt.square),
  silu: unary(lt.silu),
  leakyRelu: ([x], a) => lt.leakyRelu(x, a.negativeSlope),
  elu: ([x], a) => lt.elu(x, a.alpha),
  gelu: ([x], a) => lt.gelu(x, a),
  softplus: ([x], a) => lt.softplus(x, a),
  clamp: ([x], a) => lt.clamp(x, a),
  clampTensor: ([x, min, max]) => lt.clamp(x, { min, max }),
  add: binary(lt.add),
  sub: binary(lt.sub),
  mul: binary(lt.mul),
  div: binary(lt.div),
  pow: binary(lt.pow),
  maximum: binary(lt.maximum),
  minimum: binary(lt.minimum),
  remainder: binary(lt.remainder),
  atan2: binary(lt.atan2),
  addScalar: ([x], a) => x.add(a.value),
  mulScalar: ([x], a) => x.mul(a.value),
  rsubScalar: ([x], a) => lt.sub(a.value, x),
  divScalar: ([x], a) => x.div(a.value),
  powScalar: ([x], a) => x.pow(a.value),
  rpowScalar: ([x], a) => lt.pow(a.value, x),
  eq: binary(lt.eq),
  ne: binary(lt.ne),
  lt: binary(lt.lt),
  le: binary(lt.le),
  gt: binary(lt.gt),
  ge: binary(lt.ge),
  logicalAnd: binary(lt.logicalAnd),
  logicalOr: binary(lt.logicalOr),
  logicalXor: binary(lt.logicalXor),
  logicalNot: unary(lt.logicalNot),
  where: ([c, a, b]) => lt.where(c, a, b),
  sum: ([x], a) => x.sum(a.dim, a),
  mean: ([x], a) => x.mean(a.dim, a),
  var: ([x], a) => x.var(a.dim, a),
  std: ([x], a) => x.std(a.dim, a),
  prod: ([x], a) => x.prod(a.dim, a),
  amax: ([x], a) => x.amax(a.dim, a),
  amin: ([x], a) => x.amin(a.dim, a),
  max: unary((x) => x.max()),
  min: unary((x) => x.min()),
  maxDim: ([x], a) => {
    const { values, indices } = x.max(a.dim, a);
    return [values, indices];
  },
  minDim: ([x], a) => {
    const { values, indices } = x.min(a.dim, a);
    return [values, indices];
  },
  argmax: ([x], a) => x.argmax(a.dim ?? undefined, a),
  argmin: ([x], a) => x.argmin(a.dim ?? undefined, a),
  all: ([x], a) => x.all(a.dim),
  any: ([x], a) => x.any(a.dim),
  logsumexp: ([x], a) => x.logsumexp(a.dim, a),
  cumsum: ([x], a) => x.cumsum(a.dim),
  cumprod: ([x], a) => x.cumprod(a.dim),
  norm: ([x], a) => x.norm(a.dim, { p: a.p === "inf" ? Infinity : a.p, keepdim: a.keepdim }),
  softmax: ([x], a) => x.softmax(a.dim),
  logSoftmax: ([x], a) => x.logSoftmax(a.dim),
  reshape: ([x], a) => x.reshape(a.shape),
  permute: ([x], a) => x.permute(a.dims),
  transpose: ([x], a) => x.transpose(a.dim0, a.dim1),
  expand: ([x], a) => x.expand(a.shape),
  squeeze: ([x], a) => x.squeeze(a.dim),
  unsqueeze: ([x], a) => x.unsqueeze(a.dim),
  flatten: ([x], a) => x.flatten(a.startDim, a.endDim),
  narrow: ([x], a) => x.narrow(a.dim, a.start, a.length),
  select: ([x], a) => x.select(a.dim, a.index),
  slice: ([x], a) => x.slice(a.dim, a.start, a.end, a.step),
  contiguous: unary((x) => x.contiguous()),
  cat: (xs, a) => lt.cat(xs, a.dim),
  stack: (xs, a) => lt.stack(xs, a.dim),
  split: ([x], a) => x.split(a.size, a.dim),
  chunk: ([x], a) => x.chunk(a.chunks, a.dim),
  gather: ([x, index], a) => x.gather(a.dim, index),
  scatter: ([x, index, src], a) => x.scatter(a.dim, index, src),
  scatterAdd: ([x, index, src], a) => x.scatterAdd(a.dim, index, src),
  indexSelect: ([x, index], a) => x.indexSelect(a.dim, index),
  indexAdd: ([x, index, src], a) => x.indexAdd(a.dim, index, src),
  maskedFill: ([x, mask], a) => x.maskedFill(mask, a.value),
  tril: ([x], a) => x.tril(a.diagonal),
  triu: ([x], a) => x.triu(a.diagonal),
  pad: ([x], a) => lt.pad(x, a.padding, a),
  flip: ([x], a) => x.flip(a.dims),
  roll: ([x], a) => x.roll(a.shifts, a.dims),
  repeat: ([x], a) => x.repeat(a.repeats),
  matmul: binary(lt.matmul),
  bmm: binary(lt.bmm),
  outer: binary(lt.outer),
  dot: binary(lt.dot),
  einsum: (xs, a) => lt.einsum(a.equation, ...xs),
  trace: unary(lt.trace),
  diagonal: ([x], a) => x.diagonal(a.offset, a.dim1, a.dim2),
  sort: ([x], a) => {
    const { values, indices } = x.sort(a.dim, a);
    return [values, indices];
  },
  topk: ([x], a) => {
    const { values, indices } = x.topk(a.k, a);
    return [values, indices];
  },
  maskedSelect: ([x, mask]) => x.maskedSelect(mask),
  indexTensor: ([x, index]) => x.index(":", index),
  indexMask: ([x, mask]) => x.index(mask),
};

/** Fixture numbers: null is NaN, "inf"/"-inf" are infinities (JSON has neither). */
function numbers(data: Encoded["data"]): number[] {
  return data.map((v) =>
    v === null ? Number.NaN : typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v,
  );
}

function decode(e: Encoded, requiresGrad = false): lt.Tensor {
  const values = numbers(e.data);
  const data =
    e.dtype === "int32"
      ? new Int32Array(values)
      : e.dtype === "bool"
        ? new Uint8Array(values)
        : new Float32Array(values);
  return lt.tensor(data, { dtype: e.dtype }).reshape(e.shape).requiresGrad_(requiresGrad);
}

function applyView(t: lt.Tensor, view: Encoded["view"]): lt.Tensor {
  if (view === undefined) return t;
  const [kind, ...rest] = view;
  if (kind === "permute") return t.permute(rest[0] as number[]);
  if (kind === "expand") return t.expand(rest[0] as number[]);
  if (kind === "slice") {
    const [dim, start, end, step] = rest as number[];
    return t.slice(dim, start, end, step);
  }
  throw new Error(`unknown view ${kind}`);
}

const families = ["elementwise", "reduce", "shape", "indexing", "linalg"];

for (const family of families) {
  const url = new URL(`../../../test/fixtures/tensor/${family}.json`, import.meta.url);
  const { cases } = JSON.parse(readFileSync(url, "utf8")) as { cases: Case[] };
  describe(`tensor fixtures: ${family}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const op = ops[c.op];
        assert.ok(op, `no op "${c.op}" in the fixture table`);
        const leaves = c.inputs.map((e) => decode(e, e.grad === true));
        const inputs = leaves.map((t, i) => applyView(t, c.inputs[i].view));
        const result = op(inputs, c.args);
        const outs = Array.isArray(result) ? result : [result];
        assert.equal(outs.length, c.outputs.length, "number of outputs");
        const atol = c.tol?.atol ?? 1e-5;
        const rtol = c.tol?.rtol ?? 1e-5;
        outs.forEach((o, i) => {
          const want = c.outputs[i];
          assert.equal(o.dtype, want.dtype, `output ${i} dtype`);
          assertClose(o, numbers(want.data), { atol, rtol, shape: want.shape });
        });
        if (!c.grads.some((g) => g !== null)) return;
        let loss: lt.Tensor | null = null;
        outs.forEach((o, i) => {
          const up = c.upstream[i];
          if (up === null || !o.requiresGrad) return;
          const term = o.mul(decode(up)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        if (loss === null) {
          // Non-differentiable outputs (comparisons, argmax): PyTorch's gradients are zeros.
          for (const g of c.grads) if (g !== null) assert.ok(numbers(g.data).every((v) => v === 0));
          return;
        }
        (loss as lt.Tensor).backward();
        c.grads.forEach((g, i) => {
          if (g === null) return;
          const got = leaves[i].grad ?? lt.zerosLike(leaves[i]);
          assertClose(got, numbers(g.data), {
            atol: Math.max(atol, 1e-4),
            rtol: Math.max(rtol, 1e-4),
            shape: g.shape,
          });
        });
      });
    }
  });
}
