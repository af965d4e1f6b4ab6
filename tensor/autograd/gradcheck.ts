import { AutogradError, ValueError } from "../errors.js";
import { fromValues } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { grad } from "./functional.js";

/**
 * Tolerances of `gradcheck`. lectern computes in float32, so the defaults
 * are wider than PyTorch's float64 ones: central differences with
 * `eps = 1e-2` have a truncation error of about eps²/6·f''' and a rounding
 * error of about 6e-8·|f|/eps, both well inside `atol + rtol·|numeric|`
 * for smooth functions of inputs of order 1 (keep inputs away from kinks
 * such as relu at 0 by more than eps).
 */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw an AutogradError describing the first mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

// A fixed upstream gradient (values in [-1, 1)) so that every output element
// is checked without disturbing the global random stream.
function upstream(shape: readonly number[], device: string): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const values = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    values[i] = (s / 2 ** 32) * 2 - 1;
  }
  return fromValues(values, shape, "float32", device);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Compares the gradients autograd computes for `fn` with central finite
 * differences, for every input that requires grad (`torch.autograd.gradcheck`).
 * Runs on the CPU (it reads values synchronously).
 *
 * @example
 * const x = lt.randn([3, 4], { requiresGrad: true });
 * lt.autograd.gradcheck((a) => a.tanh().sum(1), [x]); // true
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  { eps = 1e-2, atol = 1e-3, rtol = 1e-2, raiseException = true }: GradcheckOptions = {},
): boolean {
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) {
    throw new ValueError(
      "gradcheck: no input requires grad; create inputs with { requiresGrad: true }",
    );
  }
  const out = fn(...inputs);
  const v = upstream(out.shape, out.device);
  const analytic = grad(out, checked, { gradOutputs: v, allowUnused: true });
  const vValues = v.dataSync();
  for (let k = 0; k < checked.length; k++) {
    const input = checked[k];
    const base = input.detach().contiguous().dataSync() as Float32Array;
    const a = analytic[k]?.contiguous().dataSync() ?? new Float32Array(base.length);
    const evalAt = (j: number, delta: number) => {
      const values = Float32Array.from(base);
      values[j] += delta;
      // Inputs keep requiresGrad so that fn may itself differentiate (gradcheck of a gradient).
      const moved = fromValues(values, input.shape, input.dtype, input.device).requiresGrad_();
      const args = inputs.map((t) =>
        t === input ? moved : t.detach().requiresGrad_(t.requiresGrad),
      );
      return dot(
        fn(...args)
          .detach()
          .contiguous()
          .dataSync(),
        vValues,
      );
    };
    for (let j = 0; j < base.length; j++) {
      const numeric = (evalAt(j, eps) - evalAt(j, -eps)) / (2 * eps);
      if (!(Math.abs(a[j] - numeric) <= atol + rtol * Math.abs(numeric))) {
        if (!raiseException) return false;
        throw new AutogradError(
          `gradcheck: gradient mismatch for input ${inputs.indexOf(input)} at element ${j}: ` +
            `analytic ${a[j]} vs numeric ${numeric} (eps ${eps}, atol ${atol}, rtol ${rtol})`,
        );
      }
    }
  }
  return true;
}
