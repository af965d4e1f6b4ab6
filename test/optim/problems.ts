// The fixed problems of scripts/fixturegen/optim.py with analytic gradients,
// so optimizer tests exercise only the optimizers' update rules.
import * as lt from "../../index.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface Problems {
  rosenbrock: { init: number[][] };
  quadratic: { init: number[][]; A: number[][]; b: number[] };
  linreg: { init: number[][]; X: number[][]; Y: number[][] };
}

export type ProblemName = keyof Problems;

const SHAPES: Record<ProblemName, number[][]> = {
  rosenbrock: [[2]],
  quadratic: [[2]],
  linreg: [[3, 2], [2]],
};

export function makeParams(problems: Problems, name: ProblemName, device = "cpu"): Tensor[] {
  return problems[name].init.map((values, i) =>
    lt.tensor(values, { device }).reshape(SHAPES[name][i]!).detach().requiresGrad_(true),
  );
}

/** Loss and exact gradients of a problem at the given parameter values. */
export function evaluate(
  problems: Problems,
  name: ProblemName,
  values: number[][],
): { loss: number; grads: number[][] } {
  if (name === "rosenbrock") {
    const [x, y] = values[0] as [number, number];
    return {
      loss: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
      grads: [[-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]],
    };
  }
  if (name === "quadratic") {
    const { A, b } = problems.quadratic;
    const q = values[0]!;
    const Aq = A.map((row) => row[0]! * q[0]! + row[1]! * q[1]!);
    return {
      loss: 0.5 * (q[0]! * Aq[0]! + q[1]! * Aq[1]!) - (b[0]! * q[0]! + b[1]! * q[1]!),
      grads: [Aq.map((v, i) => v - b[i]!)],
    };
  }
  const { X, Y } = problems.linreg;
  const [W, bias] = values as [number[], number[]];
  const R = X.map((row, n) =>
    [0, 1].map(
      (j) => row[0]! * W[j]! + row[1]! * W[2 + j]! + row[2]! * W[4 + j]! + bias[j]! - Y[n]![j]!,
    ),
  );
  const scale = 2 / (X.length * 2);
  const dW = [0, 1, 2].flatMap((k) =>
    [0, 1].map((j) => scale * X.reduce((a, row, n) => a + row[k]! * R[n]![j]!, 0)),
  );
  const db = [0, 1].map((j) => scale * R.reduce((a, r) => a + r[j]!, 0));
  return { loss: R.flat().reduce((a, r) => a + r * r, 0) / (X.length * 2), grads: [dW, db] };
}

function setGrads(params: Tensor[], grads: number[][]): void {
  params.forEach((p, i) => {
    p.grad = lt.tensor(grads[i]!, { device: p.device }).reshape(p.shape);
  });
}

/** Loss at the current (CPU) parameters; sets each parameter's `.grad` to the exact gradient. */
export function lossAndGrad(problems: Problems, name: ProblemName, params: Tensor[]): number {
  const { loss, grads } = evaluate(
    problems,
    name,
    params.map((p) => Array.from(p.dataSync() as Float32Array)),
  );
  setGrads(params, grads);
  return loss;
}

/** `lossAndGrad` for parameters on any device (reads them back asynchronously). */
export async function lossAndGradAsync(
  problems: Problems,
  name: ProblemName,
  params: Tensor[],
): Promise<number> {
  const values = await Promise.all(
    params.map(async (p) => Array.from((await p.data()) as Float32Array)),
  );
  const { loss, grads } = evaluate(problems, name, values);
  setGrads(params, grads);
  return loss;
}

/** |actual - expected| <= atol + rtol * |expected| for every element, with a useful message. */
export function assertClose(
  actual: number[],
  expected: number[],
  rtol: number,
  atol: number,
  what: string,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}[${i}]: got ${a}, PyTorch ${e} (rtol ${rtol}, atol ${atol})`);
    }
  });
}
