import type { Tensor } from "./tensor.js";

const MAX_ELEMENTS = 1000;
const EDGE = 3;

function formatNumber(v: number, float: boolean): string {
  if (!float) return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e8) return `${v}.`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e8) ? v.toExponential(4) : String(Number(v.toFixed(4)));
}

/**
 * PyTorch-style text of a tensor, e.g. `tensor([[1., 2.], [3., 4.]], requiresGrad=true)`.
 * Large tensors are summarised with `...`; tensors that cannot be read
 * synchronously (WebGPU) show their shape only.
 */
export function formatTensor(t: Tensor): string {
  const extras: string[] = [];
  if (t.dtype !== "float32") extras.push(`dtype=${t.dtype}`);
  if (t.device !== "cpu") extras.push(`device=${t.device}`);
  if (t.gradFn !== null) extras.push(`gradFn=${t.gradFn.op}`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  if (t.storage.disposed) return "tensor(<disposed>)";
  let body: string;
  try {
    const values = t.dataSync();
    const float = t.dtype === "float32";
    const fmt = (v: number) => (t.dtype === "bool" ? String(v !== 0) : formatNumber(v, float));
    const summarize = values.length > MAX_ELEMENTS;
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const render = (dim: number, start: number, indent: string): string => {
      if (dim === t.ndim) return fmt(values[start]);
      const n = t.shape[dim];
      const idx =
        summarize && n > 2 * EDGE
          ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
          : [...Array(n).keys()];
      const parts = idx.map((i) =>
        i < 0 ? "..." : render(dim + 1, start + i * strides[dim], `${indent} `),
      );
      const sep = dim === t.ndim - 1 ? ", " : `,${"\n".repeat(t.ndim - dim - 1)}${indent} `;
      return `[${parts.join(sep)}]`;
    };
    body = render(0, 0, "       ");
  } catch {
    body = `<shape [${t.shape.join(", ")}]>`;
  }
  if (t.numel() === 0) extras.unshift(`size=[${t.shape.join(", ")}]`);
  return `tensor(${body}${extras.length ? `, ${extras.join(", ")}` : ""})`;
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

/**
 * The text of `t`: the installed display's `text/plain` when it gives one
 * synchronously (CPU tensors), so `String(t)` and the notebook agree; else
 * `formatTensor`.
 */
export function tensorText(t: Tensor): string {
  if (display !== undefined && t.device === "cpu" && !t.storage.disposed) {
    const bundle = display(t);
    if (!(bundle instanceof Promise) && typeof bundle["text/plain"] === "string")
      return bundle["text/plain"];
  }
  return formatTensor(t);
}

/** The MIME bundle of `t`: the installed display, or `{ "text/plain": ... }`. */
export function displayBundle(
  t: Tensor,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  return display !== undefined ? display(t) : { "text/plain": formatTensor(t) };
}
