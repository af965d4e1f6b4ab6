import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import {
  ChecksumError,
  cacheDir,
  DatasetNotFoundError,
  downloadFile,
  resolveDatasetFiles,
  verifyChecksum,
} from "../../data/download.js";
import { encodeIdx } from "../../data/idx.js";
import { loadFashionMnistArrays } from "../../data/mnist.js";

const payload = gzipSync(
  encodeIdx({ dtype: "uint8", shape: [64], data: Uint8Array.from({ length: 64 }, (_, i) => i) }),
);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const FASHION = "/usr/share/datasets/fashion-mnist";

let server: Server;
let base: string;
let requests = 0;

before(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === "/good.gz") {
      res.writeHead(200, { "content-length": payload.length });
      res.end(payload);
    } else if (req.url === "/truncated.gz") {
      // Promise the whole file, send half, then drop the connection.
      res.writeHead(200, { "content-length": payload.length });
      res.write(payload.subarray(0, payload.length >> 1), () => res.destroy());
    } else if (req.url === "/corrupt.gz") {
      const bad = Buffer.from(payload);
      bad[bad.length - 10]! ^= 0xff;
      res.writeHead(200, { "content-length": bad.length });
      res.end(bad);
    } else if (req.url?.startsWith("/fashion/")) {
      const file = join(FASHION, req.url.slice("/fashion/".length));
      if (!existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(readFileSync(file));
    } else {
      res.writeHead(404, "Not Found").end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "lectern-dl-"));
}

describe("downloadFile", () => {
  it("saves a verified file, reporting progress", async () => {
    const dir = tempDir();
    let last = 0;
    const dest = await downloadFile(
      `${base}/good.gz`,
      join(dir, "x.gz"),
      { sha256: sha256(payload) },
      {
        onProgress: (n) => {
          last = n;
        },
      },
    );
    assert.deepEqual(new Uint8Array(readFileSync(dest)), new Uint8Array(payload));
    assert.equal(last, payload.length);
    assert.deepEqual(readdirSync(dir), ["x.gz"], "no temp file is left behind");
    rmSync(dir, { recursive: true });
  });

  it("accepts the checksum of the decompressed content of a gzip file", async () => {
    const dir = tempDir();
    const content = encodeIdx({
      dtype: "uint8",
      shape: [64],
      data: Uint8Array.from({ length: 64 }, (_, i) => i),
    });
    await downloadFile(`${base}/good.gz`, join(dir, "x.gz"), { sha256: sha256(content) });
    assert.ok(existsSync(join(dir, "x.gz")));
    rmSync(dir, { recursive: true });
  });

  it("never keeps a truncated download", async () => {
    const dir = tempDir();
    await assert.rejects(
      downloadFile(`${base}/truncated.gz`, join(dir, "x.gz"), { sha256: sha256(payload) }),
      (e: unknown) => e instanceof ChecksumError && /interrupted|truncated/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true });
  });

  it("never keeps a corrupted download and names the expected checksum", async () => {
    const dir = tempDir();
    await assert.rejects(
      downloadFile(`${base}/corrupt.gz`, join(dir, "x.gz"), { sha256: sha256(payload) }),
      (e: unknown) =>
        e instanceof ChecksumError &&
        e.message.includes(sha256(payload)) &&
        /deleted/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true });
  });

  it("reports HTTP errors", async () => {
    const dir = tempDir();
    await assert.rejects(downloadFile(`${base}/missing`, join(dir, "x"), {}), /HTTP 404/);
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true });
  });
});

describe("verifyChecksum", () => {
  it("checks md5 or sha256 of the bytes", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "f"), "abc");
    assert.equal(
      await verifyChecksum(join(dir, "f"), { md5: "900150983cd24fb0d6963f7d28e17f72" }),
      true,
    );
    assert.equal(await verifyChecksum(join(dir, "f"), { sha256: "0".repeat(64) }), false);
    rmSync(dir, { recursive: true });
  });
});

describe("resolveDatasetFiles", () => {
  const files = () => [
    { name: "good.gz", url: `${base}/good.gz`, checksum: { sha256: sha256(payload) } },
  ];

  it("uses LECTERN_CACHE for the cache folder", () => {
    const old = process.env.LECTERN_CACHE;
    process.env.LECTERN_CACHE = "/tmp/some-cache";
    assert.equal(cacheDir("mnist"), "/tmp/some-cache/mnist");
    if (old === undefined) delete process.env.LECTERN_CACHE;
    else process.env.LECTERN_CACHE = old;
  });

  it("finds files in a search folder without any request", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "good.gz"), payload);
    const before = requests;
    assert.equal(
      await resolveDatasetFiles("toy", files(), { searchDirs: [dir], download: true }),
      dir,
    );
    assert.equal(requests, before);
    rmSync(dir, { recursive: true });
  });

  it("downloads into root, then reuses the file", async () => {
    const dir = tempDir();
    assert.equal(await resolveDatasetFiles("toy", files(), { root: dir, download: true }), dir);
    const before = requests;
    await resolveDatasetFiles("toy", files(), { root: dir, download: true });
    assert.equal(requests, before);
    rmSync(dir, { recursive: true });
  });

  it("offline: the error names the folder to place the files in", async () => {
    const dir = tempDir();
    const unreachable = [{ name: "a.gz", url: "http://127.0.0.1:9/a.gz", checksum: {} }];
    await assert.rejects(
      resolveDatasetFiles("toy", unreachable, { root: dir, download: true }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError && e.message.includes(`place a.gz in ${dir}`),
    );
    await assert.rejects(
      resolveDatasetFiles("toy", unreachable, { root: dir }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError && e.message.includes(`Place a.gz in ${dir}`),
    );
    rmSync(dir, { recursive: true });
  });
});

describe("Fashion-MNIST download path", { skip: !existsSync(FASHION) }, () => {
  it("downloads the test split from a configured URL and verifies Debian's recompressed files", async () => {
    const dir = tempDir();
    const test = await loadFashionMnistArrays({
      train: false,
      root: dir,
      download: true,
      url: `${base}/fashion/`,
    });
    assert.deepEqual(test.shape, [10000, 1, 28, 28]);
    assert.deepEqual(readdirSync(dir).sort(), [
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
    ]);
    rmSync(dir, { recursive: true });
  });
});
