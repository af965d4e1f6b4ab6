/**
 * PyTorch's tensor printing, rule for rule (torch/_tensor_str.py): the same
 * choice between integer, fixed and scientific notation, the same column
 * widths, line wrapping at 80 characters, summarising with `...` above 1000
 * elements (3 edge items), and the same suffixes (`requires_grad=True`,
 * `grad_fn=<MulBackward0>`, `device='webgpu'`), so output can be compared
 * with PyTorch's character for character. The only deviation: lectern's
 * default integer dtype is int32 (PyTorch's is int64), so int32 shows no
 * dtype suffix.
 */

/** Values with their shape, row-major (what the printer formats). */
export interface Values {
  shape: number[];
  data: ArrayLike<number>;
}

/** Smallest and largest of a non-empty list. */
function minMax(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of values) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Print settings, PyTorch's defaults. */
export const printOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 };

/** Metadata printed after the values. */
export interface TensorMeta {
  dtype: string;
  device: string;
  requiresGrad?: boolean;
  /** Op name of the tensor's autograd node (`"mul"` → `grad_fn=<MulBackward0>`). */
  gradFnName?: string;
  /** Prefix `Parameter containing:` like `nn.Parameter`'s repr. */
  isParameter?: boolean;
}

/**
 * The printed metadata of a tensor, or of anything shaped like one
 * (displays accept tensor-like objects).
 *
 * @example
 * tensorMeta(lt.ones([2], { requiresGrad: true })); // { dtype: "float32", device: "cpu", requiresGrad: true, isParameter: false }
 */
export function tensorMeta(t: {
  dtype: string;
  device: string;
  requiresGrad?: boolean;
  gradFn?: unknown;
}): TensorMeta {
  const gradFn = t.gradFn as { op?: unknown; name?: unknown } | null | undefined;
  const name =
    typeof gradFn?.op === "string"
      ? gradFn.op
      : typeof gradFn?.name === "string"
        ? gradFn.name
        : undefined;
  return {
    dtype: t.dtype,
    device: t.device,
    requiresGrad: t.requiresGrad ?? false,
    ...(name ? { gradFnName: name } : {}),
    isParameter: (t as object).constructor?.name === "Parameter",
  };
}

const DEFAULT_DTYPES = new Set(["float32", "int32", "bool"]);

/**
 * Python's `'{:.Nf}'` (round half to even on the exact binary value; JS's
 * `toFixed` rounds those exact ties up).
 *
 * @example
 * pyFixed(0.03125, 4); // "0.0312" (toFixed gives "0.0313")
 */
export function pyFixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return pyNonFinite(v);
  if (Object.is(v, -0)) return `-${(0).toFixed(digits)}`;
  const exact = Math.abs(v).toFixed(100);
  const dot = exact.indexOf(".");
  const rest = exact.slice(dot + 1 + digits);
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
    const last = Number(truncated.at(-1));
    if (last % 2 === 0) return (v < 0 ? "-" : "") + truncated;
  }
  return v.toFixed(digits);
}

/**
 * Python's `'{:.Ne}'`: half-to-even rounding and a two-digit exponent.
 *
 * @example
 * pyExp(1e-5, 4); // "1.0000e-05"
 */
export function pyExp(v: number, digits: number): string {
  if (!Number.isFinite(v)) return pyNonFinite(v);
  let s = v.toExponential(digits);
  const exact = Math.abs(v).toExponential(100);
  const [mantissa] = exact.split("e") as [string];
  const rest = mantissa.slice(2 + digits);
  if (/^50*$/.test(rest)) {
    const truncated = mantissa.slice(0, digits === 0 ? 1 : 2 + digits);
    if (Number(truncated.at(-1)) % 2 === 0)
      s = `${v < 0 ? "-" : ""}${truncated}e${exact.split("e")[1]}`;
  }
  if (Object.is(v, -0)) s = `-${s}`;
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

function pyNonFinite(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/** torch's _Formatter: decides the notation from the values shown, then pads to one width. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    private readonly kind: "float" | "int" | "bool",
    values: number[],
  ) {
    if (kind !== "float") {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    const [min, max] = minMax(finite.map(Math.abs));
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const p = printOptions.precision;
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
      } else {
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, p).length);
    }
  }

  private plain(v: number): string {
    return this.kind === "bool" ? (v ? "True" : "False") : String(v);
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let s: string;
    if (this.kind !== "float") s = this.plain(v);
    else if (this.sciMode) s = pyExp(v, printOptions.precision);
    else if (this.intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? "." : "");
    else s = pyFixed(v, printOptions.precision);
    return s.padStart(this.maxWidth);
  }
}

/** Row-major strides of a shape. */
function stridesOf(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  return strides;
}

/** The indices shown along a dimension of size n: all, or the edges when summarising. */
function shownIndices(n: number, summarize: boolean): { head: number[]; tail: number[] } {
  const e = printOptions.edgeitems;
  const all = Array.from({ length: n }, (_, i) => i);
  if (summarize && n > 2 * e) return { head: all.slice(0, e), tail: all.slice(n - e) };
  return { head: all, tail: [] };
}

/** The values that will be printed (torch's get_summarized_data): they set the format. */
function shownValues(v: Values, summarize: boolean): number[] {
  const { shape, data } = v;
  const strides = stridesOf(shape);
  const out: number[] = [];
  const walk = (dim: number, offset: number) => {
    if (dim === shape.length) {
      out.push(data[offset]!);
      return;
    }
    const { head, tail } = shownIndices(shape[dim]!, summarize);
    for (const i of [...head, ...tail]) walk(dim + 1, offset + i * strides[dim]!);
  };
  walk(0, 0);
  return out;
}

function vectorStr(
  v: Values,
  offset: number,
  stride: number,
  n: number,
  indent: number,
  summarize: boolean,
  f: Formatter,
): string {
  const elementLength = f.width() + 2;
  const perLine = Math.max(1, Math.floor((printOptions.linewidth - indent) / elementLength));
  const { head, tail } = shownIndices(n, summarize);
  const fmt = (i: number) => f.format(v.data[offset + i * stride]!);
  const items = tail.length ? [...head.map(fmt), " ...", ...tail.map(fmt)] : head.map(fmt);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine)
    lines.push(items.slice(i, i + perLine).join(", "));
  return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
}

function tensorStr(
  v: Values,
  dim: number,
  offset: number,
  strides: number[],
  indent: number,
  summarize: boolean,
  f: Formatter,
): string {
  const rank = v.shape.length - dim;
  if (rank === 0) return f.format(v.data[offset]!);
  if (rank === 1) return vectorStr(v, offset, strides[dim]!, v.shape[dim]!, indent, summarize, f);
  const { head, tail } = shownIndices(v.shape[dim]!, summarize);
  const sub = (i: number) =>
    tensorStr(v, dim + 1, offset + i * strides[dim]!, strides, indent + 1, summarize, f);
  const slices = tail.length ? [...head.map(sub), "...", ...tail.map(sub)] : head.map(sub);
  return `[${slices.join(`,${"\n".repeat(rank - 1)}${" ".repeat(indent + 1)}`)}]`;
}

function addSuffixes(body: string, suffixes: string[], indent: number): string {
  const parts = [body];
  let lastLineLen = body.length - body.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > printOptions.linewidth) {
      parts.push(`,\n${" ".repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

function pascal(op: string): string {
  return op.replace(/(^|[_\s])(\w)/g, (_, _sep, c: string) => c.toUpperCase());
}

/**
 * A function formatting single values of `v` the way `formatTensor` prints
 * them (same notation, without the column padding), for tables.
 *
 * @example
 * valueFormatter({ shape: [2], data: [1, 0.5] }, "float32")(0.5); // "0.5000"
 */
export function valueFormatter(v: Values, dtype: string): (x: number) => string {
  const numel = v.shape.reduce((a, b) => a * b, 1);
  const f = new Formatter(kindOf(dtype), shownValues(v, numel > printOptions.threshold));
  return (x) => f.format(x).trim();
}

function kindOf(dtype: string): "float" | "int" | "bool" {
  return dtype === "bool"
    ? "bool"
    : dtype.startsWith("int") || dtype.startsWith("uint")
      ? "int"
      : "float";
}

/**
 * The PyTorch-style text of a tensor's values and metadata.
 *
 * @example
 * formatTensor({ shape: [2], data: [1, 2] }, { dtype: "float32", device: "cpu" }); // "tensor([1., 2.])"
 */
export function formatTensor(v: Values, meta: TensorMeta): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const numel = v.shape.reduce((a, b) => a * b, 1);
  const suffixes: string[] = [];
  if (meta.device !== "cpu") suffixes.push(`device='${meta.device}'`);
  let body: string;
  if (numel === 0) {
    if (v.shape.length !== 1) suffixes.push(`size=(${v.shape.join(", ")})`);
    if (meta.dtype !== "float32") suffixes.push(`dtype=${meta.dtype}`);
    body = "[]";
  } else {
    if (!DEFAULT_DTYPES.has(meta.dtype)) suffixes.push(`dtype=${meta.dtype}`);
    const summarize = numel > printOptions.threshold;
    const f = new Formatter(kindOf(meta.dtype), shownValues(v, summarize));
    body = tensorStr(v, 0, 0, stridesOf(v.shape), indent, summarize, f);
  }
  if (meta.gradFnName) suffixes.push(`grad_fn=<${pascal(meta.gradFnName)}Backward0>`);
  else if (meta.requiresGrad) suffixes.push("requires_grad=True");
  const text = addSuffixes(prefix + body, suffixes, indent);
  return meta.isParameter ? `Parameter containing:\n${text}` : text;
}
