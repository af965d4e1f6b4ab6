import { gunzipSync } from "node:zlib";
import { readFile } from "node:fs/promises";
import { ValueError } from "../tensor/errors.js";

/** The element types an IDX file can hold, by their type byte. */
const IDX_TYPES = {
  8: { name: "uint8", size: 1 },
  9: { name: "int8", size: 1 },
  11: { name: "int16", size: 2 },
  12: { name: "int32", size: 4 },
  13: { name: "float32", size: 4 },
  14: { name: "float64", size: 8 },
} as const;

export type IdxDType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]["name"];
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A decoded IDX array: row-major values plus their shape. */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes an IDX file (the format of MNIST and Fashion-MNIST), gzipped or
 * not. Multi-byte values are big-endian in the file and native in the result.
 *
 * @example
 * const { shape, data } = data.parseIdx(readFileSync("t10k-images-idx3-ubyte.gz"));
 * shape; // [10000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, source = "IDX data"): IdxArray {
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new ValueError(
        `parseIdx: ${source} is not a valid gzip stream (${(e as Error).message})`,
      );
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      `parseIdx: ${source} does not start with an IDX magic number (00 00 type ndim); is it an IDX file?`,
    );
  }
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (type === undefined) {
    throw new ValueError(
      `parseIdx: ${source} has unknown IDX type byte 0x${bytes[2]!.toString(16)}`,
    );
  }
  const ndim = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new ValueError(
      `parseIdx: ${source} is truncated inside its header (${bytes.length} bytes)`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * type.size;
  if (bytes.length !== expected) {
    throw new ValueError(
      `parseIdx: ${source} has shape [${shape.join(",")}] of ${type.name}, which needs ${expected} bytes, but holds ${bytes.length}`,
    );
  }
  return { dtype: type.name, shape, data: readBigEndian(view, headerSize, count, type.name) };
}

function readBigEndian(view: DataView, offset: number, count: number, dtype: IdxDType): IdxData {
  switch (dtype) {
    case "uint8":
      return new Uint8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case "int8":
      return new Int8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Encodes an array as IDX bytes (big-endian), the inverse of `parseIdx`.
 * Handy for writing small test files and exporting predictions.
 *
 * @example
 * const bytes = data.encodeIdx({ dtype: "uint8", shape: [2, 2], data: new Uint8Array([1, 2, 3, 4]) });
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(
    Object.entries(IDX_TYPES).find(([, t]) => t.name === array.dtype)?.[0] ?? Number.NaN,
  );
  const type = IDX_TYPES[code as keyof typeof IDX_TYPES];
  if (type === undefined) throw new ValueError(`encodeIdx: unknown dtype ${array.dtype}`);
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new ValueError(
      `encodeIdx: shape [${array.shape.join(",")}] needs ${count} values but data has ${array.data.length}`,
    );
  }
  const headerSize = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerSize + count * type.size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((n, d) => {
    view.setUint32(4 + 4 * d, n, false);
  });
  const setters: Record<IdxDType, (o: number, v: number) => void> = {
    uint8: (o, v) => view.setUint8(o, v),
    int8: (o, v) => view.setInt8(o, v),
    int16: (o, v) => view.setInt16(o, v, false),
    int32: (o, v) => view.setInt32(o, v, false),
    float32: (o, v) => view.setFloat32(o, v, false),
    float64: (o, v) => view.setFloat64(o, v, false),
  };
  const set = setters[array.dtype];
  for (let i = 0; i < count; i++) set(headerSize + i * type.size, array.data[i]!);
  return out;
}

/**
 * Reads and decodes an IDX file from disk (`.gz` or raw).
 *
 * @example
 * const labels = await data.readIdxFile("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(await readFile(path), path);
}
