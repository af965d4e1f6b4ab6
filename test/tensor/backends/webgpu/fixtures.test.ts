/**
 * The tensor engine's PyTorch fixtures (test/fixtures/tensor/*.json), run on
 * WebGPU: inputs are moved to the GPU (views applied there, so kernels see
 * the same non-contiguous strides), outputs and the gradients of
 * sum(out_i * upstream_i) are read back and compared with PyTorch's, with
 * the CPU suite's tolerances (test/tensor/fixtures.test.ts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as lt from "../../../../tensor/index.js";
import { assertClose, skip } from "./harness.js";

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

/** Fixture ops whose lectern function takes the inputs and no options. */
const plain = [
  "neg",
  "abs",
  "exp",
  "expm1",
  "log",
  "log1p",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tan",
  "tanh",
  "erf",
  "sigmoid",
  "relu",
  "sign",
  "round",
  "floor",
  "ceil",
  "trunc",
  "square",
  "silu",
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "remainder",
  "atan2",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
  "logicalNot",
  "where",
  "matmul",
  "bmm",
  "outer",
  "dot",
];

/** The rest, called as the CPU fixture suite calls them. */
const ops: Record<string, Op> = {
  leakyRelu: ([x], a) => lt.leakyRelu(x, a.negativeSlope),
  elu: ([x], a) => lt.elu(x, a.alpha),
  gelu: ([x], a) => lt.gelu(x, a),
  softplus: ([x], a) => lt.softplus(x, a),
  clamp: ([x], a) => lt.clamp(x, a),
  clampTensor: ([x, min, max]) => lt.clamp(x, { min, max }),
  addScalar: ([x], a) => x.add(a.value),
  mulScalar: ([x], a) => x.mul(a.value),
  rsubScalar: ([x], a) => lt.sub(a.value, x),
  divScalar: ([x], a) => x.div(a.value),
  powScalar: ([x], a) => x.pow(a.value),
  rpowScalar: ([x], a) => lt.pow(a.value, x),
  sum: ([x], a) => x.sum(a.dim, a),
  mean: ([x], a) => x.mean(a.dim, a),
  var: ([x], a) => x.var(a.dim, a),
  std: ([x], a) => x.std(a.dim, a),
  prod: ([x], a) => x.prod(a.dim, a),
  amax: ([x], a) => x.amax(a.dim, a),
  amin: ([x], a) => x.amin(a.dim, a),
  max: ([x]) => x.max(),
  min: ([x]) => x.min(),
  maxDim: ([x], a) => Object.values(x.max(a.dim, a)),
  minDim: ([x], a) => Object.values(x.min(a.dim, a)),
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
  contiguous: ([x]) => x.contiguous(),
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
  einsum: (xs, a) => lt.einsum(a.equation, ...xs),
};
const functions = lt as unknown as Record<string, (...xs: lt.Tensor[]) => lt.Tensor>;
for (const name of plain) ops[name] = (xs) => functions[name](...xs);

/** Fixture numbers: null is NaN, "inf"/"-inf" are infinities (JSON has neither). */
function numbers(data: Encoded["data"]): number[] {
  return data.map((v) =>
    v === null ? Number.NaN : typeof v === "string" ? Number(v.replace("inf", "Infinity")) : v,
  );
}

function onGpu(e: Encoded, requiresGrad = false): lt.Tensor {
  const values = numbers(e.data);
  const data =
    e.dtype === "int32"
      ? new Int32Array(values)
      : e.dtype === "bool"
        ? new Uint8Array(values)
        : new Float32Array(values);
  return lt
    .tensor(data, { dtype: e.dtype })
    .reshape(e.shape)
    .to("webgpu")
    .requiresGrad_(requiresGrad);
}

function applyView(t: lt.Tensor, view: Encoded["view"]): lt.Tensor {
  if (view === undefined) return t;
  const [kind, ...rest] = view;
  if (kind === "permute") return t.permute(rest[0] as number[]);
  if (kind === "expand") return t.expand(rest[0] as number[]);
  const [dim, start, end, step] = rest as number[];
  return t.slice(dim, start, end, step);
}

async function expectClose(
  t: lt.Tensor,
  want: Encoded,
  what: string,
  atol: number,
  rtol: number,
): Promise<void> {
  assert.deepEqual(t.shape, want.shape, `${what} shape`);
  assert.equal(t.device, "webgpu", `${what} device`);
  assertClose(Array.from(await t.data(), Number), numbers(want.data), what, atol, rtol);
}

for (const family of ["elementwise", "reduce", "shape", "indexing", "linalg"]) {
  const url = new URL(`../../../../../test/fixtures/tensor/${family}.json`, import.meta.url);
  const { cases } = JSON.parse(readFileSync(url, "utf8")) as { cases: Case[] };
  describe(`tensor fixtures on webgpu: ${family}`, { skip }, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const leaves = c.inputs.map((e) => onGpu(e, e.grad === true));
        const result = ops[c.op](
          leaves.map((t, i) => applyView(t, c.inputs[i].view)),
          c.args,
        );
        const outs = Array.isArray(result) ? result : [result];
        const atol = c.tol?.atol ?? 1e-5;
        const rtol = c.tol?.rtol ?? 1e-5;
        for (const [i, o] of outs.entries()) {
          assert.equal(o.dtype, c.outputs[i].dtype, `output ${i} dtype`);
          await expectClose(o, c.outputs[i], `output ${i}`, atol, rtol);
        }
        let loss: lt.Tensor | null = null;
        outs.forEach((o, i) => {
          const up = c.upstream[i];
          if (up === null || !o.requiresGrad) return;
          const term = o.mul(onGpu(up)).sum();
          loss = loss === null ? term : loss.add(term);
        });
        if (loss === null) return;
        (loss as lt.Tensor).backward();
        for (const [i, g] of c.grads.entries()) {
          if (g === null) continue;
          const got = leaves[i].grad ?? lt.zerosLike(leaves[i]);
          await expectClose(got, g, `grad ${i}`, Math.max(atol, 1e-4), Math.max(rtol, 1e-4));
        }
      });
    }
  });
}
