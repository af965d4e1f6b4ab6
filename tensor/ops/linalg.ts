import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { broadcastShapes, fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { broadcastView, sumTo } from "./broadcast.js";
import { diagEmbed } from "./view.js";

function checkMatmulDTypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: dtypes ${a.dtype} and ${b.dtype} differ; convert one (e.g. b.float())`,
    );
  }
  if (a.dtype === "bool")
    throw new DTypeError(`${op}: bool tensors are not supported; convert with .float()`);
}

/** Batched product of >= 2-D tensors whose batch dims broadcast. */
function batchedMatmul(
  op: string,
  a: Tensor,
  b: Tensor,
  shownA: readonly number[],
  shownB: readonly number[],
): Tensor {
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    throw new ShapeError(
      `${op}: shapes ${fmtShape(shownA)} and ${fmtShape(shownB)} do not align (${k} != ${k2})`,
    );
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const out = runKernel(
    "matmul",
    [broadcastView(a, [...batch, m, k]), broadcastView(b, [...batch, k, n])],
    [...batch, m, n],
    a.dtype,
  );
  return record(
    out,
    op,
    [a, b],
    (g) => [
      a.requiresGrad ? sumTo(g.matmul(b.mT), a.shape) : null,
      b.requiresGrad ? sumTo(a.mT.matmul(g), b.shape) : null,
    ],
    [...(b.requiresGrad ? [a] : []), ...(a.requiresGrad ? [b] : [])],
  );
}

/**
 * Matrix product with PyTorch's rules (`torch.matmul`): 1-D operands are
 * treated as a row/column vector, and leading batch dims broadcast.
 *
 * @example
 * lt.ones([2, 3]).matmul(lt.ones([3, 4])).shape;       // [2, 4]
 * lt.ones([5, 2, 3]).matmul(lt.ones([3])).shape;       // [5, 2]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const op = "matmul";
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `${op}: both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use mul for scalars`,
    );
  }
  checkMatmulDTypes(op, a, b);
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  let out = batchedMatmul(op, a2, b2, a.shape, b.shape);
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

/**
 * Product of two matrices (`torch.mm`).
 *
 * @example
 * lt.eye(2).mm(lt.ones([2, 3])).shape; // [2, 3]
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new ShapeError(
      `mm: expects two matrices, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use matmul for other ranks`,
    );
  }
  return matmul(a, b);
}

/**
 * Batched product of `[b, n, m]` and `[b, m, p]` (`torch.bmm`); no broadcasting.
 *
 * @example
 * lt.ones([4, 2, 3]).bmm(lt.ones([4, 3, 5])).shape; // [4, 2, 5]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `bmm: expects [b, n, m] and [b, m, p] with the same b, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use matmul to broadcast`,
    );
  }
  return matmul(a, b);
}

/**
 * Inner product of two 1-D tensors (`torch.dot`).
 *
 * @example
 * lt.tensor([1, 2]).dot(lt.tensor([3, 4])); // 11
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `dot: expects two 1-D tensors of the same length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return matmul(a, b);
}

/**
 * Outer product of two vectors: `out[i][j] = a[i] * b[j]` (`torch.outer`).
 *
 * @example
 * lt.outer(lt.tensor([1, 2]), lt.tensor([1, 10])); // [[1, 10], [2, 20]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(
      `outer: expects two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}

/**
 * A square matrix with `x` on diagonal `k` (1-D input), or the diagonal `k`
 * of a matrix as a new tensor (2-D input) (`torch.diag`).
 *
 * @example
 * lt.diag(lt.tensor([1, 2])); // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, k = 0): Tensor {
  if (x.ndim === 2) return x.diagonal(k).clone();
  if (x.ndim !== 1)
    throw new ShapeError(`diag: expects a 1-D or 2-D tensor, got ${fmtShape(x.shape)}`);
  const n = x.shape[0] + Math.abs(k);
  return diagEmbed(x, n, k);
}

/**
 * Sum of the main diagonal of a matrix (`torch.trace`).
 *
 * @example
 * lt.eye(3).trace(); // 3
 */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) throw new ShapeError(`trace: expects a matrix, got ${fmtShape(x.shape)}`);
  return x.diagonal().sum();
}

interface Term {
  t: Tensor;
  letters: string;
}

/** A letter repeated within one term ("ii", "bii") selects a diagonal: take it as a view. */
function takeDiagonals(x: Term): Term {
  for (let p = 0; p < x.letters.length; p++) {
    const q = x.letters.indexOf(x.letters[p], p + 1);
    if (q < 0) continue;
    if (x.t.shape[p] !== x.t.shape[q]) {
      throw new ShapeError(
        `einsum: repeated letter "${x.letters[p]}" has sizes ${x.t.shape[p]} and ${x.t.shape[q]}; a diagonal needs equal sizes`,
      );
    }
    const letters =
      x.letters.slice(0, p) + x.letters.slice(p + 1, q) + x.letters.slice(q + 1) + x.letters[p];
    return takeDiagonals({ t: x.t.diagonal(0, p, q), letters });
  }
  return x;
}

/** Sums away the letters of `x` that nothing later needs. */
function sumUnneeded(x: Term, needed: string): Term {
  const dims: number[] = [];
  let letters = "";
  [...x.letters].forEach((c, i) => {
    if (needed.includes(c)) letters += c;
    else dims.push(i);
  });
  return dims.length === 0 ? x : { t: x.t.sum(dims), letters };
}

function sizeOfLetters(t: Tensor, letters: string, pick: string): number[] {
  return [...pick].map((c) => t.shape[letters.indexOf(c)]);
}

/** Contracts two terms with one batched matmul, keeping the letters in `keep`. */
function contract(a: Term, b: Term, keep: string, sizes: Map<string, number>): Term {
  const A = sumUnneeded(a, keep + b.letters);
  const B = sumUnneeded(b, keep + A.letters);
  const batch = [...A.letters].filter((c) => B.letters.includes(c) && keep.includes(c)).join("");
  const summed = [...A.letters].filter((c) => B.letters.includes(c) && !keep.includes(c)).join("");
  const left = [...A.letters].filter((c) => !B.letters.includes(c)).join("");
  const right = [...B.letters].filter((c) => !A.letters.includes(c)).join("");
  const arrange = (x: Term, order: string, rows: string, cols: string) => {
    const p = x.t.permute([...order].map((c) => x.letters.indexOf(c)));
    const batchShape = sizeOfLetters(x.t, x.letters, batch);
    const full = p.expand([...batchShape, ...[...rows, ...cols].map((c) => sizes.get(c)!)]);
    const prod = (s: string) => [...s].reduce((n, c) => n * sizes.get(c)!, 1);
    return full.reshape([...batchShape, prod(rows), prod(cols)]);
  };
  const am = arrange(A, batch + left + summed, left, summed);
  const bm = arrange(B, batch + summed + right, summed, right);
  const out = am.matmul(bm);
  const batchOut = out.shape.slice(0, batch.length);
  return {
    t: out.reshape([...batchOut, ...[...(left + right)].map((c) => sizes.get(c)!)]),
    letters: batch + left + right,
  };
}

/**
 * Einstein summation (`torch.einsum`): `"ij,jk->ik"` is a matrix product,
 * `"bij,bjk->bik"` a batched one, `"i,i->"` a dot product, `"ij->ji"` a
 * transpose, `"...ij,...jk->...ik"` broadcasts batch dims. Contractions run
 * as batched matmuls; a letter repeated within one operand takes a
 * diagonal (`"ii->"` is the trace).
 *
 * @example
 * lt.einsum("ij,jk->ik", lt.ones([2, 3]), lt.ones([3, 4])).shape; // [2, 4]
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const op = "einsum";
  const eq = equation.replace(/\s/g, "");
  const arrow = eq.split("->");
  if (arrow.length > 2) throw new ValueError(`${op}: "${equation}" has more than one "->"`);
  const inputs = arrow[0].split(",");
  if (inputs.length !== operands.length) {
    throw new ValueError(
      `${op}: "${equation}" names ${inputs.length} operands but ${operands.length} were given`,
    );
  }
  let ellipsisDims = 0;
  inputs.forEach((term, i) => {
    if (term.includes("..."))
      ellipsisDims = Math.max(ellipsisDims, operands[i].ndim - (term.length - 3));
  });
  const ell = Array.from({ length: ellipsisDims }, (_, i) => String.fromCharCode(0x100 + i)).join(
    "",
  );
  const terms: Term[] = inputs.map((term, i) => {
    const x = operands[i];
    const k = x.ndim - (term.length - (term.includes("...") ? 3 : 0));
    const letters = term.includes("...") ? term.replace("...", ell.slice(ell.length - k)) : term;
    if (k < 0 || letters.length !== x.ndim || !/^([a-zA-Z]|[\u0100-\u01ff])*$/.test(letters)) {
      throw new ShapeError(
        `${op}: term "${term}" does not fit operand ${i} of shape ${fmtShape(x.shape)} (one letter per dim)`,
      );
    }
    return takeDiagonals({ t: x, letters });
  });
  const sizes = new Map<string, number>();
  for (const { t, letters } of terms) {
    [...letters].forEach((c, d) => {
      const prev = sizes.get(c);
      const s = t.shape[d];
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new ShapeError(
          `${op}: letter "${c}" has size ${prev} in one operand and ${s} in another`,
        );
      }
      sizes.set(c, prev === undefined || prev === 1 ? s : prev);
    });
  }
  const all = inputs.join("").replaceAll("...", "");
  const output =
    arrow.length === 2
      ? arrow[1].replace("...", ell)
      : ell +
        [...new Set(all)]
          .filter((c) => c < "\u0100" && all.split(c).length === 2)
          .sort()
          .join("");
  for (const c of output) {
    if (!sizes.has(c))
      throw new ValueError(`${op}: output letter "${c}" does not appear in any input`);
  }
  let acc = sumUnneeded(
    terms[0],
    output +
      terms
        .slice(1)
        .map((t) => t.letters)
        .join(""),
  );
  for (let i = 1; i < terms.length; i++) {
    const later =
      output +
      terms
        .slice(i + 1)
        .map((t) => t.letters)
        .join("");
    acc = contract(acc, terms[i], later, sizes);
  }
  acc = sumUnneeded(acc, output);
  const permuted = acc.t.permute([...output].map((c) => acc.letters.indexOf(c)));
  return permuted.expand([...output].map((c) => sizes.get(c)!));
}
