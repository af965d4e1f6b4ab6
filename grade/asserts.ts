import { LecternError } from "../tensor/errors.js";

/**
 * Assertions for autograder test cells. A failure throws an
 * {@link AssertionError} whose message a student can act on: what was
 * compared, the shapes or dtypes that differ, and for numbers the largest
 * difference and where it is. Import them in a test cell with
 * `import { expect, assertClose } from "lectern/grade";`.
 */

/** A failed test-cell assertion; the cell scores zero. */
export class AssertionError extends LecternError {
  override name = "AssertionError";
}

/** What assertClose and the shape/dtype checks read from a tensor. */
interface TensorLike {
  shape: readonly number[];
  dtype?: string;
  device?: string;
  dataSync?: () => ArrayLike<number | boolean>;
}

function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === "object" &&
    x !== null &&
    Array.isArray((x as TensorLike).shape) &&
    typeof (x as TensorLike).dataSync === "function"
  );
}

interface Numeric {
  shape: number[];
  values: number[];
  dtype?: string;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function fmtNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+(e|$)/, "$1");
}

function prefix(what: string, name?: string): string {
  return name === undefined ? what : `${what}(${name})`;
}

/** Flattens a number, nested array, typed array or CPU tensor; throws a readable error otherwise. */
function toNumeric(x: unknown, role: "actual" | "expected", what: string): Numeric {
  if (typeof x === "number" || typeof x === "boolean") return { shape: [], values: [Number(x)] };
  if (isTensorLike(x)) {
    if (x.device !== undefined && x.device !== "cpu") {
      throw new AssertionError(
        `${what}: the ${role} tensor is on ${x.device}; move it to the CPU first with .to("cpu")`,
      );
    }
    return { shape: [...x.shape], values: Array.from(x.dataSync!(), Number), dtype: x.dtype };
  }
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return {
      shape: [(x as unknown as ArrayLike<number>).length],
      values: Array.from(x as any, Number),
    };
  }
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let level: unknown = x;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const values: number[] = [];
    const walk = (v: unknown, depth: number, path: number[]) => {
      if (depth === shape.length) {
        if (typeof v !== "number" && typeof v !== "boolean") {
          throw new AssertionError(
            `${what}: the ${role} value at ${fmtShape(path)} is ${describe(v)}, not a number`,
          );
        }
        values.push(Number(v));
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new AssertionError(
          `${what}: the ${role} array is ragged: at ${fmtShape(path)} expected ${shape[depth]} entries, found ${Array.isArray(v) ? v.length : describe(v)}`,
        );
      }
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
    };
    walk(x, 0, []);
    return { shape, values };
  }
  throw new AssertionError(
    `${what}: the ${role} value is ${describe(x)}; pass a number, an array or a tensor`,
  );
}

function describe(x: unknown): string {
  if (x === undefined) return "undefined (did the function return a value?)";
  if (x === null) return "null";
  if (typeof x === "string") return `the string ${JSON.stringify(x)}`;
  if (typeof x === "function") return "a function (did you forget to call it?)";
  if (typeof x === "object") return `an object (${x.constructor?.name ?? "Object"})`;
  return `${typeof x} ${String(x)}`;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

export interface CloseOptions {
  /** Relative tolerance (default 1e-5, as torch.testing.assert_close for float32). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Names the compared quantity in the message, e.g. "dW1". */
  name?: string;
  /** Also require equal dtypes when both sides are tensors (default true). */
  checkDtype?: boolean;
}

/**
 * Checks `|actual - expected| <= atol + rtol * |expected|` element-wise, as
 * `torch.allclose` does, for numbers, nested arrays, typed arrays and CPU
 * tensors. Shapes must match exactly (no broadcasting); NaN equals NaN only
 * where both are NaN. The message names the first mismatch count, the
 * largest difference and its index.
 *
 * @example
 * assertClose(model.fc1.weight.grad, expectedGrad, { rtol: 1e-4, name: "fc1.weight.grad" });
 * // AssertionError: assertClose(fc1.weight.grad): 3 of 12 elements differ (rtol 0.0001, atol 1e-8);
 * //   largest difference at [1, 2]: actual 0.53, expected 0.5 (|diff| 0.03)
 */
export function assertClose(actual: unknown, expected: unknown, options: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-8, name, checkDtype = true } = options;
  const what = prefix("assertClose", name);
  const a = toNumeric(actual, "actual", what);
  const e = toNumeric(expected, "expected", what);
  if (a.shape.length !== e.shape.length || a.shape.some((n, i) => n !== e.shape[i])) {
    throw new AssertionError(
      `${what}: shape mismatch: actual has shape ${fmtShape(a.shape)}, expected ${fmtShape(e.shape)}`,
    );
  }
  if (checkDtype && a.dtype !== undefined && e.dtype !== undefined && a.dtype !== e.dtype) {
    throw new AssertionError(
      `${what}: dtype mismatch: actual is ${a.dtype}, expected ${e.dtype}; convert with .to("${e.dtype}") or pass { checkDtype: false }`,
    );
  }
  let bad = 0;
  let worst = -1;
  let worstDiff = -1;
  let maxAbs = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = e.values[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const diff = x === y ? 0 : Math.abs(x - y);
    const ok = diff <= atol + rtol * Math.abs(y);
    if (!Number.isNaN(diff)) maxAbs = Math.max(maxAbs, diff);
    if (ok) continue;
    bad++;
    const rank = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    if (rank > worstDiff) {
      worstDiff = rank;
      worst = i;
    }
  }
  if (bad === 0) return;
  const where = a.shape.length === 0 ? "" : ` at ${fmtShape(unravel(worst, a.shape))}`;
  const x = a.values[worst]!;
  const y = e.values[worst]!;
  throw new AssertionError(
    `${what}: ${bad} of ${a.values.length} element${a.values.length === 1 ? "" : "s"} differ (rtol ${rtol}, atol ${atol}); ` +
      `largest difference${where}: actual ${fmtNumber(x)}, expected ${fmtNumber(y)} (|diff| ${fmtNumber(Math.abs(x - y))}); max abs diff ${fmtNumber(maxAbs)}`,
  );
}

/**
 * Checks a tensor's (or nested array's) shape.
 *
 * @example
 * assertShape(logits, [64, 10], "logits");
 */
export function assertShape(actual: unknown, shape: readonly number[], name?: string): void {
  const what = prefix("assertShape", name);
  const got = isTensorLike(actual) ? [...actual.shape] : toNumeric(actual, "actual", what).shape;
  if (got.length !== shape.length || got.some((n, i) => n !== shape[i])) {
    throw new AssertionError(`${what}: expected shape ${fmtShape(shape)}, got ${fmtShape(got)}`);
  }
}

/**
 * Checks a tensor's dtype.
 *
 * @example
 * assertDtype(labels, "int32", "labels");
 */
export function assertDtype(actual: unknown, dtype: string, name?: string): void {
  const what = prefix("assertDtype", name);
  const got = (actual as TensorLike | null)?.dtype;
  if (got !== dtype) {
    throw new AssertionError(`${what}: expected dtype ${dtype}, got ${got ?? describe(actual)}`);
  }
}

function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "number") return fmtNumber(x);
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "function" || x === undefined || x === null) return describe(x);
  try {
    const text = JSON.stringify(x);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return describe(x);
  }
}

/** The first path where two values differ, or undefined when deeply equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path || "value"}: got ${show(a)}, expected ${show(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b) || ArrayBuffer.isView(a) !== ArrayBuffer.isView(b)) {
    return `${path || "value"}: got ${show(a)}, expected ${show(b)}`;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if ((Array.isArray(a) || ArrayBuffer.isView(a)) && ka.length !== kb.length) {
    return `${path || "value"}: length ${ka.length}, expected length ${kb.length}`;
  }
  for (const key of new Set([...ka, ...kb])) {
    const sub = Array.isArray(a) || ArrayBuffer.isView(a) ? `${path}[${key}]` : `${path}.${key}`;
    if (!(key in a)) return `${sub}: missing, expected ${show((b as any)[key])}`;
    if (!(key in b)) return `${sub}: unexpected, got ${show((a as any)[key])}`;
    const diff = firstDifference((a as any)[key], (b as any)[key], sub);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/** Jest-style matchers returned by {@link expect}. */
export interface Matchers {
  /** `Object.is` equality. */
  toBe(expected: unknown): void;
  /** Deep equality of plain values, arrays and typed arrays. */
  toEqual(expected: unknown): void;
  /** `|actual - expected| < 10^-digits / 2`, Jest's rule (default 2 digits). */
  toBeCloseTo(expected: number, digits?: number): void;
  toBeTruthy(): void;
  toBeGreaterThan(bound: number): void;
  toBeLessThan(bound: number): void;
  /** Calls `actual` (a function) and expects it to throw, optionally matching the message. */
  toThrow(message?: string | RegExp): void;
}

/**
 * Jest-style assertions for test cells.
 *
 * @example
 * expect(relu(-1)).toBe(0);
 * expect(await out.array()).toEqual([[1, 2], [3, 4]]);
 * expect(loss.itemSync()).toBeCloseTo(2.3026, 3);
 */
export function expect(actual: unknown): Matchers {
  const fail = (message: string): never => {
    throw new AssertionError(message);
  };
  return {
    toBe(expected) {
      if (!Object.is(actual, expected))
        fail(`expect(...).toBe: got ${show(actual)}, expected ${show(expected)}`);
    },
    toEqual(expected) {
      const diff = firstDifference(actual, expected, "");
      if (diff !== undefined) fail(`expect(...).toEqual: ${diff}`);
    },
    toBeCloseTo(expected, digits = 2) {
      if (typeof actual !== "number")
        fail(`expect(...).toBeCloseTo: got ${describe(actual)}, expected a number`);
      const diff = Math.abs((actual as number) - expected);
      const bound = 10 ** -digits / 2;
      if (!(diff < bound)) {
        fail(
          `expect(...).toBeCloseTo: got ${fmtNumber(actual as number)}, expected ${fmtNumber(expected)} to ${digits} decimal places (|diff| ${fmtNumber(diff)} >= ${bound})`,
        );
      }
    },
    toBeTruthy() {
      if (!actual) fail(`expect(...).toBeTruthy: got ${show(actual)}`);
    },
    toBeGreaterThan(bound) {
      if (!(typeof actual === "number" && actual > bound)) {
        fail(
          `expect(...).toBeGreaterThan: got ${show(actual)}, expected more than ${fmtNumber(bound)}`,
        );
      }
    },
    toBeLessThan(bound) {
      if (!(typeof actual === "number" && actual < bound)) {
        fail(
          `expect(...).toBeLessThan: got ${show(actual)}, expected less than ${fmtNumber(bound)}`,
        );
      }
    },
    toThrow(message) {
      if (typeof actual !== "function")
        fail(`expect(...).toThrow: got ${describe(actual)}, expected a function to call`);
      try {
        (actual as () => unknown)();
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        const matches =
          message === undefined ||
          (typeof message === "string" ? text.includes(message) : message.test(text));
        if (!matches)
          fail(
            `expect(...).toThrow: threw ${JSON.stringify(text)}, expected a message matching ${String(message)}`,
          );
        return;
      }
      fail("expect(...).toThrow: the function returned without throwing");
    },
  };
}

/** The MIME type a test cell's partial-credit display carries. */
export const PARTIAL_CREDIT_MIME = "application/vnd.lectern.partial-credit+json";

/**
 * Awards `points` (between 0 and the cell's points) instead of all or
 * nothing: make it the test cell's last expression. Without it a test cell
 * scores full points when it runs without error and zero otherwise, as in
 * nbgrader. Values above the cell's points are capped; negative ones count 0.
 *
 * @example
 * let passed = 0;
 * if (Math.abs(acc - 0.9) < 0.05) passed++;
 * if (loss < 0.5) passed++;
 * partialCredit(passed); // in a 2-point cell
 */
export function partialCredit(points: number): { [key: symbol]: () => Record<string, unknown> } {
  if (typeof points !== "number" || !Number.isFinite(points)) {
    throw new AssertionError(`partialCredit: points must be a finite number, got ${show(points)}`);
  }
  return {
    [Symbol.for("Jupyter.display")]: () => ({
      [PARTIAL_CREDIT_MIME]: { points },
      "text/plain": `partial credit: ${fmtNumber(points)} points`,
    }),
  };
}
