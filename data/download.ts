import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { LecternError } from "../tensor/errors.js";

/** A dataset's files are not on disk and could not be downloaded. */
export class DatasetNotFoundError extends LecternError {
  override name = "DatasetNotFoundError";
}

/** A downloaded file is truncated or does not match its published checksum. */
export class ChecksumError extends LecternError {
  override name = "ChecksumError";
}

/**
 * Expected digests (lower-case hex). A file passes when any given digest
 * equals the digest of its bytes or, for a gzip file, of its decompressed
 * content: repackaged archives (Debian recompresses Fashion-MNIST) then
 * still verify against the content hash.
 */
export interface Checksum {
  sha256?: string;
  md5?: string;
}

/** One file of a dataset: its name on disk, where to fetch it, how to check it. */
export interface RemoteFile {
  name: string;
  url: string;
  checksum: Checksum;
}

/**
 * The folder lectern caches downloads in: `$LECTERN_CACHE`, else
 * `~/.cache/lectern`, plus an optional sub-folder per dataset.
 *
 * @example
 * data.cacheDir("fashion-mnist"); // "/home/me/.cache/lectern/fashion-mnist"
 */
export function cacheDir(dataset?: string): string {
  const root = process.env.LECTERN_CACHE || join(homedir(), ".cache", "lectern");
  return dataset ? join(root, dataset) : root;
}

interface Digests {
  sha256: string;
  md5: string;
}

function hashSink(): { sink: Writable; digests: () => Digests } {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      sha256.update(chunk);
      md5.update(chunk);
      done();
    },
  });
  return { sink, digests: () => ({ sha256: sha256.digest("hex"), md5: md5.digest("hex") }) };
}

async function isGzipFile(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Digests of a file's bytes and, when it is gzip, of its decompressed content. */
async function fileDigests(path: string): Promise<Digests[]> {
  const raw = hashSink();
  await pipeline(createReadStream(path), raw.sink);
  const out = [raw.digests()];
  if (await isGzipFile(path)) {
    const content = hashSink();
    try {
      await pipeline(createReadStream(path), createGunzip(), content.sink);
      out.push(content.digests());
    } catch {
      // A corrupt gzip stream has no content digest; the raw digest decides.
    }
  }
  return out;
}

/**
 * Checks a file on disk against its expected digests.
 *
 * @example
 * await data.verifyChecksum("train-labels-idx1-ubyte.gz", { md5: "25c81989df183df01b3e8a0aad5dffbe" });
 */
export async function verifyChecksum(path: string, checksum: Checksum): Promise<boolean> {
  if (!checksum.sha256 && !checksum.md5) return true;
  const digests = await fileDigests(path);
  return digests.some(
    (d) =>
      (checksum.sha256 !== undefined && d.sha256 === checksum.sha256.toLowerCase()) ||
      (checksum.md5 !== undefined && d.md5 === checksum.md5.toLowerCase()),
  );
}

export interface DownloadOptions {
  /** Called with bytes received so far and the total when the server sends one. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Milliseconds to wait for the response headers (default 30 s). */
  timeoutMs?: number;
}

/**
 * Downloads `url` to `dest`: streams into a temporary file beside it, checks
 * the length against Content-Length and the checksum, then renames it into
 * place. A truncated, corrupt or interrupted download is deleted, so `dest`
 * only ever holds a verified file.
 *
 * @example
 * await data.downloadFile("https://example.org/t10k-labels-idx1-ubyte.gz",
 *   data.cacheDir("mnist") + "/t10k-labels-idx1-ubyte.gz", { md5: "ec29112dd5afa0611ce80d1b7f02629c" });
 */
export async function downloadFile(
  url: string,
  dest: string,
  checksum: Checksum,
  options: DownloadOptions = {},
): Promise<string> {
  await mkdir(dirname(dest), { recursive: true });
  const temp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${Date.now()}.part`);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 30_000);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: abort.signal });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok || response.body === null) {
      throw new DatasetNotFoundError(
        `download: ${url} answered HTTP ${response.status} ${response.statusText}`,
      );
    }
    const lengthHeader = response.headers.get("content-length");
    const total = lengthHeader === null ? undefined : Number(lengthHeader);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        options.onProgress?.(received, total);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as any), counter, createWriteStream(temp));
    } catch (e) {
      throw new ChecksumError(
        `download: ${url} was interrupted after ${received} bytes${total === undefined ? "" : ` of ${total}`} (${(e as Error).message}); nothing was saved to ${dest}`,
      );
    }
    if (total !== undefined && received !== total) {
      throw new ChecksumError(
        `download: ${url} is truncated: received ${received} of ${total} bytes; nothing was saved to ${dest}`,
      );
    }
    if (!(await verifyChecksum(temp, checksum))) {
      throw new ChecksumError(
        `download: ${url} does not match its checksum (${describe(checksum)}); the corrupt file was deleted and nothing was saved to ${dest}`,
      );
    }
    await rename(temp, dest);
    return dest;
  } finally {
    await rm(temp, { force: true });
  }
}

function describe(checksum: Checksum): string {
  return Object.entries(checksum)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

export interface ResolveOptions {
  /** A folder the user chose; when given, only it is searched and downloads go there. */
  root?: string;
  /** Download missing files into the cache (or `root`). */
  download?: boolean;
  /** Folders searched, in order, before downloading (system installs). */
  searchDirs?: string[];
  onProgress?: DownloadOptions["onProgress"];
}

async function hasAll(dir: string, files: RemoteFile[]): Promise<boolean> {
  for (const f of files) {
    const s = await stat(join(dir, f.name)).catch(() => undefined);
    if (s === undefined || !s.isFile()) return false;
  }
  return true;
}

/**
 * Finds a dataset's files on disk or downloads them, and returns the folder
 * that holds all of them. Search order: `root` if given (only it), else each
 * of `searchDirs`, else the cache folder `cacheDir(dataset)`; missing files
 * are downloaded there when `download` is true. Offline or without
 * `download`, the error names the folder to put the files in.
 *
 * @example
 * const dir = await data.resolveDatasetFiles("fashion-mnist", files, { download: true });
 */
export async function resolveDatasetFiles(
  dataset: string,
  files: RemoteFile[],
  options: ResolveOptions = {},
): Promise<string> {
  const target = options.root ?? cacheDir(dataset);
  const candidates = options.root ? [options.root] : [...(options.searchDirs ?? []), target];
  for (const dir of candidates) if (existsSync(dir) && (await hasAll(dir, files))) return dir;
  const names = files.map((f) => f.name).join(", ");
  if (!options.download) {
    throw new DatasetNotFoundError(
      `${dataset}: files not found. Place ${names} in ${target}${options.root ? "" : " (or pass { root: <folder> })"}, or pass { download: true } to fetch them.`,
    );
  }
  for (const f of files) {
    const dest = join(target, f.name);
    if (existsSync(dest)) continue;
    try {
      await downloadFile(f.url, dest, f.checksum, { onProgress: options.onProgress });
    } catch (e) {
      const reason = e instanceof LecternError ? e.message : causeOf(e);
      throw new DatasetNotFoundError(
        `${dataset}: could not download ${f.url} (${reason}). If this machine is offline, place ${names} in ${target}.`,
      );
    }
  }
  return target;
}

function causeOf(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
