import type { DType } from "../dtype.js";
import { AutogradError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { isGradEnabled } from "./mode.js";

/**
 * Computes the gradients of an op's inputs from the gradient of its output,
 * in input order (null where an input needs none). Written with public ops,
 * so it is itself recorded when `createGraph` is on (double backward).
 */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null | undefined)[];

let nextId = 0;

/**
 * One recorded op on the tape: the tensors it read and how to send a
 * gradient back to them. Each node has exactly one output tensor (its
 * `gradFn`). After backward without `retainGraph` the node drops its inputs
 * and saved tensors so their memory is released.
 */
export class Node {
  readonly id = nextId++;
  #inputs: Tensor[];
  #backward: BackwardFn | null;
  #saved: { tensor: Tensor; version: number }[];

  constructor(
    /** Op name, e.g. "mul" (shown by lt.autograd.graph). */
    readonly op: string,
    inputs: Tensor[],
    backward: BackwardFn,
    saved: readonly Tensor[],
    /** Shape of the output. */
    readonly shape: readonly number[],
    readonly dtype: DType,
  ) {
    this.#inputs = inputs;
    this.#backward = backward;
    this.#saved = saved.map((tensor) => ({ tensor, version: tensor.version }));
  }

  /** The tensors this op read, in the order its backward returns gradients. */
  get inputs(): readonly Tensor[] {
    return this.#inputs;
  }

  /** True once a backward without `retainGraph` went through this node. */
  get released(): boolean {
    return this.#backward === null;
  }

  /** Runs the backward of this op, checking first that no saved tensor was modified in place. */
  apply(grad: Tensor): readonly (Tensor | null | undefined)[] {
    if (this.#backward === null) {
      throw new AutogradError(
        `backward: trying to backward through the graph a second time (at ${this.op}); ` +
          "its saved tensors were freed by the first backward. Pass { retainGraph: true } " +
          "to the first backward() if you need to run it twice.",
      );
    }
    for (const { tensor, version } of this.#saved) {
      if (tensor.version !== version) {
        throw new AutogradError(
          `backward: a tensor needed by ${this.op} (${tensor.dtype} ${fmtShape(tensor.shape)}) was ` +
            `modified by an in-place operation (it is at version ${tensor.version}; expected ` +
            `version ${version}). Use the out-of-place op (x.add(y) instead of x.add_(y)) or ` +
            "clone() the tensor before modifying it.",
        );
      }
    }
    return this.#backward(grad);
  }

  /** Drops inputs and saved tensors (after a backward without retainGraph). */
  release(): void {
    this.#backward = null;
    this.#saved = [];
    this.#inputs = [];
  }
}

/**
 * Records `out` as the result of `op` on `inputs` when grad mode is on and
 * some input requires grad; returns `out`. `saved` lists the tensors the
 * backward reads, checked against in-place modification.
 *
 * @example
 * return record(out, "mul", [a, b], (g) => [g.mul(b), g.mul(a)], [a, b]);
 */
export function record(
  out: Tensor,
  op: string,
  inputs: Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!isGradEnabled()) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) needed = true;
  if (!needed) return out;
  out._setGradFn(new Node(op, inputs, backward, saved, out.shape, out.dtype));
  return out;
}
