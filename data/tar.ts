import { ValueError } from "../tensor/errors.js";

/** One regular file found in a tar archive. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/**
 * Lists the regular files of an uncompressed tar archive (POSIX ustar, the
 * format of the CIFAR tarballs). Entries are views into `bytes`, not copies.
 *
 * @example
 * const bin = data.readTar(gunzipSync(readFileSync("cifar-10-binary.tar.gz")))
 *   .find((e) => e.name.endsWith("test_batch.bin"));
 */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156]!);
    if (Number.isNaN(size))
      throw new ValueError(`readTar: bad size field in the header of ${name}`);
    const start = offset + 512;
    if (start + size > bytes.length) {
      throw new ValueError(`readTar: archive is truncated inside ${name} (${size} bytes declared)`);
    }
    if (type === "0" || type === "\0") {
      entries.push({
        name: prefix ? `${prefix}/${name}` : name,
        data: bytes.subarray(start, start + size),
      });
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  return entries;
}
