import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ValueError } from "../tensor/errors.js";
import { type Checksum, cacheDir, DatasetNotFoundError, resolveDatasetFiles } from "./download.js";
import type { ImageArrays } from "./mnist.js";
import { readTar } from "./tar.js";

const RECORD_PIXELS = 3 * 32 * 32;

export const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

export const CIFAR10_TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_BATCHES = ["test_batch.bin"];

/**
 * Decodes CIFAR binary batches: each record is `labelBytes` label bytes (1
 * for CIFAR-10; 2 for CIFAR-100, coarse then fine — the last one is kept)
 * followed by 3072 pixel bytes, red plane then green then blue, rows of 32.
 *
 * @example
 * const batch = data.parseCifarBatch(readFileSync("cifar-10-batches-bin/test_batch.bin"));
 * batch.shape; // [10000, 3, 32, 32]
 */
export function parseCifarBatch(
  bytes: Uint8Array,
  labelBytes = 1,
  source = "CIFAR batch",
): ImageArrays {
  const record = labelBytes + RECORD_PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new ValueError(
      `parseCifarBatch: ${source} has ${bytes.length} bytes, not a multiple of the ${record}-byte record (${labelBytes} label + 3072 pixels); is it truncated?`,
    );
  }
  const n = bytes.length / record;
  const images = new Uint8Array(n * RECORD_PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = bytes[i * record + labelBytes - 1]!;
    images.set(bytes.subarray(i * record + labelBytes, (i + 1) * record), i * RECORD_PIXELS);
  }
  return { images, labels, shape: [n, 3, 32, 32] };
}

/** Concatenates image arrays of equal C, H, W. */
export function concatImageArrays(parts: ImageArrays[]): ImageArrays {
  const [, c, h, w] = parts[0]!.shape;
  const n = parts.reduce((a, p) => a + p.shape[0], 0);
  const images = new Uint8Array(n * c * h * w);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * c * h * w);
    labels.set(p.labels, at);
    at += p.shape[0];
  }
  return { images, labels, shape: [n, c, h, w] };
}

export interface CifarOptions {
  train?: boolean;
  /**
   * A folder with the `.bin` batches, a `cifar-10-batches-bin/` folder, or
   * `cifar-10-binary.tar.gz`.
   */
  root?: string;
  download?: boolean;
  /** URL of `cifar-10-binary.tar.gz`. */
  url?: string;
  /** Expected digest of the tarball at `url` (default: the published MD5). */
  checksum?: Checksum;
  onProgress?: (received: number, total: number | undefined) => void;
}

const CIFAR10_TARBALL = "cifar-10-binary.tar.gz";
const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
// The MD5 the dataset's authors publish for the binary tarball.
const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

function batchDir(root: string, names: string[]): string | undefined {
  for (const dir of [root, join(root, "cifar-10-batches-bin")]) {
    if (names.every((n) => existsSync(join(dir, n)))) return dir;
  }
  return undefined;
}

/** Unpacks the tarball's `.bin` batches next to it (temp name, then rename). */
async function extractTarball(tarball: string, into: string): Promise<void> {
  const entries = readTar(gunzipSync(await readFile(tarball)));
  await mkdir(into, { recursive: true });
  for (const e of entries) {
    const name = e.name.split("/").pop()!;
    if (!name.endsWith(".bin") && !name.endsWith(".txt")) continue;
    const temp = join(into, `.${name}.${process.pid}.part`);
    await writeFile(temp, e.data);
    await rename(temp, join(into, name));
  }
}

/**
 * CIFAR-10 (50k/10k colour 32x32 images) from its binary batches: from
 * `root`, from the cache, or downloaded (`download: true`, MD5-checked).
 *
 * @example
 * const test = await data.loadCifar10Arrays({ train: false, root: "/data/cifar" });
 */
export async function loadCifar10Arrays(options: CifarOptions = {}): Promise<ImageArrays> {
  const names = options.train === false ? CIFAR10_TEST_BATCHES : CIFAR10_TRAIN_BATCHES;
  const roots = options.root ? [options.root] : [cacheDir("cifar-10")];
  for (const root of roots) {
    let dir = batchDir(root, names);
    if (dir === undefined && existsSync(join(root, CIFAR10_TARBALL))) {
      await extractTarball(join(root, CIFAR10_TARBALL), join(root, "cifar-10-batches-bin"));
      dir = batchDir(root, names);
    }
    if (dir !== undefined) return readBatches(dir, names);
  }
  if (!options.download) {
    throw new DatasetNotFoundError(
      `cifar-10: files not found. Place ${names.join(", ")} (or ${CIFAR10_TARBALL}) in ${roots[0]}${options.root ? "" : " (or pass { root: <folder> })"}, or pass { download: true } to fetch them.`,
    );
  }
  const dir = await resolveDatasetFiles(
    "cifar-10",
    [
      {
        name: CIFAR10_TARBALL,
        url: options.url ?? CIFAR10_URL,
        checksum: options.checksum ?? { md5: CIFAR10_MD5 },
      },
    ],
    { root: roots[0], download: true, onProgress: options.onProgress },
  );
  await extractTarball(join(dir, CIFAR10_TARBALL), join(dir, "cifar-10-batches-bin"));
  return readBatches(join(dir, "cifar-10-batches-bin"), names);
}

async function readBatches(dir: string, names: string[]): Promise<ImageArrays> {
  const parts = await Promise.all(
    names.map(async (n) => parseCifarBatch(await readFile(join(dir, n)), 1, join(dir, n))),
  );
  return concatImageArrays(parts);
}
