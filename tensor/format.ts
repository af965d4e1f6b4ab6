import type { Tensor } from "./tensor.js";
import { formatTensor as printValues, tensorMeta } from "./print.js";

/**
 * PyTorch's text of a tensor, e.g. `tensor([[1., 2.]], requires_grad=True)`
 * (see `tensor/print.ts`). Tensors that cannot be read synchronously
 * (WebGPU) show their shape only.
 */
export function formatTensor(t: Tensor): string {
  if (t.storage.disposed) return "tensor(<disposed>)";
  if (t.device !== "cpu") return `tensor(<shape [${t.shape.join(", ")}]>, device='${t.device}')`;
  return printValues({ shape: [...t.shape], data: t.dataSync() }, tensorMeta(t));
}

/** Builds a tensor's Jupyter MIME bundle (display/ installs the rich one). */
export type TensorDisplay = (
  t: Tensor,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

let display: TensorDisplay | undefined;

/**
 * Installs the function that builds every tensor's MIME bundle for
 * `Tensor[Symbol.for("Jupyter.display")]`. The display package installs its
 * HTML view here (tensor/ cannot import display/); without one, tensors
 * display as their text.
 */
export function setTensorDisplay(fn: TensorDisplay | undefined): void {
  display = fn;
}

/** The MIME bundle of `t`: the installed display, or `{ "text/plain": ... }`. */
export function displayBundle(
  t: Tensor,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  return display !== undefined ? display(t) : { "text/plain": formatTensor(t) };
}
