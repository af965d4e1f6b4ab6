/**
 * The safetensors file format (https://github.com/huggingface/safetensors),
 * read and written without any tensor machinery so it can be tested alone:
 *
 *     [8 bytes: header length N, unsigned little-endian]
 *     [N bytes: JSON header, padded with spaces so the data starts 8-aligned]
 *     [data: every tensor's bytes, row-major little-endian, back to back]
 *
 * The header maps each name to `{ dtype, shape, data_offsets: [begin, end] }`
 * (offsets relative to the start of the data) plus an optional
 * `__metadata__` map of string → string.
 *
 * lectern's own dtypes (F32, I32, BOOL) are written; on reading, PyTorch's
 * other common dtypes are converted: F64/F16/BF16 → float32, I64/I16/I8/U8 →
 * int32 (an int64 outside the int32 range is an error, not a silent wrap).
 */
import { ValueError } from "../tensor/errors.js";

/** A tensor as plain bytes: what a safetensors file holds. */
export interface RawTensor {
  dtype: "float32" | "int32" | "bool";
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** A decoded safetensors file. */
export interface SafetensorsFile {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

const writeCodes = { float32: "F32", int32: "I32", bool: "BOOL" } as const;

const readSizes: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * Encodes named tensors (in insertion order) and string metadata into the
 * bytes of a safetensors file.
 *
 * @example
 * const bytes = encodeSafetensors(new Map([["w", { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) }]]));
 */
export function encodeSafetensors(
  tensors: Map<string, RawTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "__metadata__") {
      throw new ValueError(`save: "__metadata__" is reserved by safetensors; rename that tensor`);
    }
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) {
      throw new ValueError(
        `save: tensor "${name}" has shape [${t.shape}] (${numel} elements) but ${t.data.length} values`,
      );
    }
    const bytes = t.data.byteLength;
    header[name] = {
      dtype: writeCodes[t.dtype],
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts on an 8-byte boundary, as the
  // reference writer does (lets readers map the data without copying).
  const jsonBytes = new TextEncoder().encode(json);
  const pad = (8 - (jsonBytes.length % 8)) % 8;
  json += " ".repeat(pad);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (isLittleEndian) out.set(src, at);
    else writeLittleEndian(t.data, out, at);
    at += src.length;
  }
  return out;
}

/**
 * Decodes the bytes of a safetensors file; validates the header (offsets
 * inside the data, sizes matching shapes) and names the problem if not.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(await readFile("model.safetensors"));
 */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors data"): SafetensorsFile {
  const fail = (why: string) =>
    new ValueError(`load: ${source} is not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    throw fail(`header length ${n} exceeds the file size ${bytes.length}`);
  const headerEnd = 8 + Number(n);
  let header: Record<string, any>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, headerEnd)));
  } catch (e) {
    throw fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw fail("header is not a JSON object");
  }
  const dataLength = bytes.length - headerEnd;
  const metadata: Record<string, string> = header.__metadata__ ?? {};
  const tensors = new Map<string, RawTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: offsets } = info ?? {};
    const size = readSizes[dtype];
    if (size === undefined) throw fail(`tensor "${name}" has unsupported dtype ${dtype}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2) {
      throw fail(`tensor "${name}" has bad data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const numel = shape.reduce((a: number, b: number) => a * b, 1);
    if (!(begin >= 0 && end <= dataLength && end - begin === numel * size)) {
      throw fail(
        `tensor "${name}" (${dtype} [${shape}]) needs ${numel * size} bytes but data_offsets are [${begin}, ${end}] of ${dataLength}`,
      );
    }
    const base = headerEnd + begin;
    tensors.set(name, { shape, ...convert(view, base, numel, dtype, name, source) });
  }
  return { tensors, metadata };
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeLittleEndian(
  data: Float32Array | Int32Array | Uint8Array,
  out: Uint8Array,
  at: number,
) {
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(at + 4 * i, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(at + 4 * i, data[i]!, true);
    else view.setUint8(at + i, data[i]!);
  }
}

function convert(
  view: DataView,
  base: number,
  numel: number,
  dtype: string,
  name: string,
  source: string,
): Pick<RawTensor, "dtype" | "data"> {
  const floats = (read: (i: number) => number) => {
    const data = new Float32Array(numel);
    for (let i = 0; i < numel; i++) data[i] = read(i);
    return { dtype: "float32" as const, data };
  };
  const ints = (read: (i: number) => number) => {
    const data = new Int32Array(numel);
    for (let i = 0; i < numel; i++) data[i] = read(i);
    return { dtype: "int32" as const, data };
  };
  switch (dtype) {
    case "F32":
      return floats((i) => view.getFloat32(base + 4 * i, true));
    case "F64":
      return floats((i) => view.getFloat64(base + 8 * i, true));
    case "F16":
      return floats((i) => halfToFloat(view.getUint16(base + 2 * i, true)));
    case "BF16":
      return floats((i) => bfloat16ToFloat(view.getUint16(base + 2 * i, true)));
    case "I32":
      return ints((i) => view.getInt32(base + 4 * i, true));
    case "I16":
      return ints((i) => view.getInt16(base + 2 * i, true));
    case "I8":
      return ints((i) => view.getInt8(base + i));
    case "U8":
      return ints((i) => view.getUint8(base + i));
    case "I64":
      return ints((i) => {
        const v = view.getBigInt64(base + 8 * i, true);
        if (v > 2147483647n || v < -2147483648n) {
          throw new ValueError(
            `load: tensor "${name}" in ${source} holds the int64 value ${v}, outside lectern's int32 range`,
          );
        }
        return Number(v);
      });
    default: {
      const data = new Uint8Array(numel);
      for (let i = 0; i < numel; i++) data[i] = view.getUint8(base + i) ? 1 : 0;
      return { dtype: "bool", data };
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bfloat16ToFloat(b: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, b << 16);
  return view.getFloat32(0);
}
