import { AutogradError, ShapeError } from "../errors.js";
import { ones } from "../ops/creation.js";
import { fmtShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { enableGrad, noGrad } from "./mode.js";
import type { Node } from "./node.js";

/** Options of the backward pass. */
export interface EngineOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  /** autograd.grad: return the gradients of these tensors instead of accumulating into `.grad`. */
  inputs?: readonly Tensor[];
}

/** Reverse topological order of the tensors that lead (through recorded ops) to `roots`. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      const inputs = t.gradFn?.inputs ?? [];
      if (i < inputs.length) {
        top[1]++;
        const next = inputs[i];
        if (next.requiresGrad && !visited.has(next)) {
          visited.add(next);
          stack.push([next, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order.reverse();
}

function defaultGrad(root: Tensor): Tensor {
  if (root.numel() !== 1) {
    throw new AutogradError(
      `backward: grad can be created implicitly only for scalar outputs, this one has shape ${fmtShape(root.shape)}; ` +
        "reduce it first (y.sum().backward()) or pass a gradient of the same shape (y.backward(lt.onesLike(y)))",
    );
  }
  return ones(root.shape, { dtype: root.dtype, device: root.device });
}

function accumulate(map: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  const prev = map.get(t);
  map.set(t, prev === undefined ? g : prev.add(g));
}

// Gradients stored in .grad must own their memory: a backward may hand back
// a broadcast view of the incoming gradient (sum's backward is an expand).
function ownedGrad(g: Tensor, createGraph: boolean): Tensor {
  const d = createGraph ? g : g.detach();
  return d._base !== null || !d.isContiguous() ? d.clone() : d;
}

/**
 * The backward pass: sends gradients from `roots` through the recorded
 * graph in reverse topological order, running hooks, accumulating into
 * `.grad` (leaves and retainGrad tensors) or returning the gradients of
 * `opts.inputs`. Without `retainGraph` every node it passes is released.
 */
export function backward(
  roots: readonly Tensor[],
  rootGrads: readonly (Tensor | null)[],
  opts: EngineOptions = {},
): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const capture = opts.inputs !== undefined ? new Set(opts.inputs) : null;
  const captured = new Map<Tensor, Tensor>();
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((root, i) => {
    if (!root.requiresGrad) {
      throw new AutogradError(
        `backward: output ${i} (shape ${fmtShape(root.shape)}) does not require grad and has no gradFn; ` +
          "create the inputs with { requiresGrad: true } and do not compute it inside lt.noGrad",
      );
    }
    const g = rootGrads[i] ?? defaultGrad(root);
    if (!shapesEqual(g.shape, root.shape)) {
      throw new ShapeError(
        `backward: the gradient has shape ${fmtShape(g.shape)} but the output has shape ${fmtShape(root.shape)}; they must match`,
      );
    }
    accumulate(grads, root, g);
  });
  // Gradients for .grad and node releases are applied only after the whole
  // pass succeeded, so an error (e.g. a modified saved tensor) leaves every
  // .grad and the graph as they were.
  const leafGrads = new Map<Tensor, Tensor>();
  const visited: Node[] = [];
  const run = createGraph ? enableGrad : noGrad;
  run(() => {
    for (const t of topoOrder(roots)) {
      let g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      for (const hook of t.hooks) g = hook(g) ?? g;
      if (capture?.has(t)) accumulate(captured, t, g);
      const node = t.gradFn;
      if (node === null || t.retainsGrad) {
        if (capture === null) accumulate(leafGrads, t, g);
        if (node === null) continue;
      }
      const inputGrads = node.apply(g);
      const inputs = node.inputs;
      inputs.forEach((input, i) => {
        const ig = inputGrads[i];
        if (!input.requiresGrad || ig === null || ig === undefined) return;
        if (!shapesEqual(ig.shape, input.shape)) {
          throw new ShapeError(
            `backward of ${node.op}: produced a gradient of shape ${fmtShape(ig.shape)} for an input of shape ` +
              `${fmtShape(input.shape)} (a bug in the op's backward)`,
          );
        }
        accumulate(grads, input, ig);
      });
      visited.push(node);
    }
    for (const [t, g] of leafGrads) {
      t.grad = ownedGrad(t.grad === null ? g : t.grad.add(g), createGraph);
    }
  });
  if (!retainGraph) for (const node of visited) node.release();
  return (opts.inputs ?? []).map((t) => captured.get(t) ?? null);
}
