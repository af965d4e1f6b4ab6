import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { CIFAR10_TRAIN_BATCHES, loadCifar10Arrays, parseCifarBatch } from "../../data/cifar.js";
import { DatasetNotFoundError } from "../../data/download.js";
import { readTar } from "../../data/tar.js";

/** A CIFAR-10 record whose pixel at (c, y, x) is (label + c + y + x) % 256. */
function record(label: number): Uint8Array {
  const r = new Uint8Array(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) r[1 + c * 1024 + y * 32 + x] = (label + c + y + x) % 256;
  return r;
}

function batch(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out.set(record(l), i * 3073);
  });
  return out;
}

/** A minimal ustar archive, as `tar` writes it. */
function tar(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    h.set(new TextEncoder().encode(name), 0);
    h.set(new TextEncoder().encode(`${data.length.toString(8).padStart(11, "0")}\0`), 124);
    h[156] = "0".charCodeAt(0);
    h.set(new TextEncoder().encode("ustar\0"), 257);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

describe("parseCifarBatch", () => {
  it("splits label bytes from planar RGB pixels", () => {
    const out = parseCifarBatch(batch([3, 7]));
    assert.deepEqual(out.shape, [2, 3, 32, 32]);
    assert.deepEqual([...out.labels], [3, 7]);
    // image 1, green plane, row 2, column 5: (7 + 1 + 2 + 5)
    assert.equal(out.images[3072 + 1024 + 2 * 32 + 5], 15);
  });

  it("keeps the fine label of CIFAR-100 records", () => {
    const r = new Uint8Array(3074);
    r[0] = 4;
    r[1] = 42;
    assert.deepEqual([...parseCifarBatch(r, 2).labels], [42]);
  });

  it("rejects truncated batches", () => {
    assert.throws(
      () => parseCifarBatch(batch([1]).subarray(0, 3000)),
      /not a multiple of the 3073-byte record/,
    );
  });
});

describe("readTar + loadCifar10Arrays", () => {
  it("reads ustar entries", () => {
    const entries = readTar(
      tar({ "a/b.txt": new TextEncoder().encode("hi"), "c.bin": new Uint8Array(600) }),
    );
    assert.deepEqual(
      entries.map((e) => [e.name, e.data.length]),
      [
        ["a/b.txt", 2],
        ["c.bin", 600],
      ],
    );
  });

  it("loads train and test batches from a tarball in root", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-cifar-"));
    const files: Record<string, Uint8Array> = {
      "cifar-10-batches-bin/test_batch.bin": batch([9, 8, 7]),
    };
    CIFAR10_TRAIN_BATCHES.forEach((n, i) => {
      files[`cifar-10-batches-bin/${n}`] = batch([i, i]);
    });
    writeFileSync(join(dir, "cifar-10-binary.tar.gz"), gzipSync(tar(files)));
    const train = await loadCifar10Arrays({ root: dir });
    assert.deepEqual(train.shape, [10, 3, 32, 32]);
    assert.deepEqual([...train.labels], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    const test = await loadCifar10Arrays({ root: dir, train: false });
    assert.deepEqual([...test.labels], [9, 8, 7]);
    assert.equal(test.images[3072 * 2 + 2 * 1024], 9); // image 2 (label 7), blue plane: 7 + 2
    rmSync(dir, { recursive: true });
  });

  it("loads loose .bin files and names the folder when they are missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lectern-cifar-"));
    await assert.rejects(
      loadCifar10Arrays({ root: dir, train: false }),
      (e: unknown) => e instanceof DatasetNotFoundError && e.message.includes(`in ${dir}`),
    );
    mkdirSync(join(dir, "x"));
    writeFileSync(join(dir, "test_batch.bin"), batch([5]));
    assert.deepEqual([...(await loadCifar10Arrays({ root: dir, train: false })).labels], [5]);
    rmSync(dir, { recursive: true });
  });
});

describe("CIFAR-10 download", () => {
  it("fetches the tarball from a configured URL, verifies it and extracts the batches", async () => {
    const files: Record<string, Uint8Array> = {
      "cifar-10-batches-bin/test_batch.bin": batch([4, 2]),
    };
    const tarball = gzipSync(tar(files));
    const corrupt = Buffer.from(tarball);
    corrupt[corrupt.length - 20]! ^= 0xff;
    const server = createServer((req, res) => {
      const body = req.url === "/good.tar.gz" ? tarball : corrupt;
      res.writeHead(200, { "content-length": body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const md5 = createHash("md5").update(tarball).digest("hex");
    const dir = mkdtempSync(join(tmpdir(), "lectern-cifar-"));
    try {
      await assert.rejects(
        loadCifar10Arrays({
          root: dir,
          train: false,
          download: true,
          url: `${base}/bad.tar.gz`,
          checksum: { md5 },
        }),
        (e: unknown) =>
          e instanceof DatasetNotFoundError && /does not match its checksum/.test(e.message),
      );
      assert.deepEqual(readdirSync(dir), []);
      const test = await loadCifar10Arrays({
        root: dir,
        train: false,
        download: true,
        url: `${base}/good.tar.gz`,
        checksum: { md5 },
      });
      assert.deepEqual([...test.labels], [4, 2]);
      assert.ok(readdirSync(join(dir, "cifar-10-batches-bin")).includes("test_batch.bin"));
    } finally {
      server.close();
      rmSync(dir, { recursive: true });
    }
  });
});
