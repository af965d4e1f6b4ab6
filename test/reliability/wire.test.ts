/**
 * Hostile input on the kernel's sockets (issue 15): forged, truncated,
 * oversized, malformed and random messages are dropped without running code
 * or crashing the kernel, while a valid client keeps being served. Also the
 * connection file's mode and the addresses the kernel listens on.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import * as zmq from "zeromq";
import { createConnectionFile } from "../../kernel/client.js";
import { decode, encode, MAX_JSON_FRAME, newHeader, Signer, WireError } from "../../kernel/wire.js";
import {
  heartbeat,
  resultText,
  sleep,
  startTestKernel,
  type TestKernel,
} from "../kernel/harness.js";

const key = "reliability-key";

/** A signed execute_request whose code would leave `marker` on disk if it ever ran. */
function executeFrames(signer: Signer, code: string, version = "5.4"): Buffer[] {
  const header = { ...newHeader("execute_request", "fuzzer"), version };
  return encode(
    { header, parent_header: {}, metadata: {}, content: { code, silent: false } },
    signer,
  );
}

describe("the message parser under fuzzing", () => {
  it("signed random JSON values decode or fail with WireError only", () => {
    const signer = new Signer(key);
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 4, maxLength: 4 }), (values) => {
        const parts = values.map((v) => Buffer.from(JSON.stringify(v) ?? "null"));
        const frames = [Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(parts)), ...parts];
        try {
          const msg = decode(frames, signer);
          assert.equal(typeof msg.header.msg_type, "string");
          assert.equal(typeof msg.content, "object");
        } catch (err) {
          assert.ok(err instanceof WireError, String(err));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("a message whose signature was not made with the key is never accepted", () => {
    const signer = new Signer(key);
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)),
        (code, signature) => {
          const frames = executeFrames(signer, code);
          if (signature === frames[1]?.toString()) return;
          frames[1] = Buffer.from(signature);
          assert.throws(() => decode(frames, signer), /invalid HMAC signature/);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a tampered byte anywhere in a signed part invalidates it", () => {
    const signer = new Signer(key);
    const frames = executeFrames(signer, "1 + 1");
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (part, at, xor) => {
          const copy = frames.map((f) => Buffer.from(f));
          const target = copy[part] as Buffer;
          target[at % target.length] ^= xor;
          assert.throws(() => decode(copy, signer), WireError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a correctly signed frame over the size limit is rejected before parsing", () => {
    const signer = new Signer(key);
    const big = Buffer.alloc(MAX_JSON_FRAME + 1, 0x20);
    const parts = [big, Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    const frames = [Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(parts)), ...parts];
    assert.throws(() => decode(frames, signer), /frame too large/);
  });
});

/** The listening TCP sockets (address:port) owned by process `pid`, from /proc. */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // the fd closed while we looked
    }
  }
  const found: string[] = [];
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl, local_address, rem_address, st (0A = LISTEN), ..., inode (10th field)
      const [local, state, inode] = [f[1], f[3], f[9]];
      if (state !== "0A" || !inodes.has(String(inode))) continue;
      const [hexAddr, hexPort] = String(local).split(":") as [string, string];
      const port = Number.parseInt(hexPort, 16);
      const addr =
        hexAddr.length === 8
          ? (hexAddr.match(/../g) as string[])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join(".")
          : `[${hexAddr}]`;
      found.push(`${addr}:${port}`);
    }
  }
  return found.sort();
}

describe("hostile clients on the live kernel", { timeout: 240000 }, () => {
  let k: TestKernel;
  let markerDir: string;
  before(async () => {
    k = await startTestKernel();
    markerDir = tmpdir();
  });
  after(async () => {
    await k.client.shutdown();
  });

  it("writes the connection file with mode 0600 in a private folder", async () => {
    const { path, dir } = await createConnectionFile();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(k.client.connectionFile).mode & 0o777, 0o600);
  });

  it("listens only on the connection file's address and ports", () => {
    const expected = [
      k.info.shell_port,
      k.info.iopub_port,
      k.info.stdin_port,
      k.info.control_port,
      k.info.hb_port,
    ]
      .map((p) => `${k.info.ip}:${p}`)
      .sort();
    assert.deepEqual(listeningSockets(k.client.pid), expected);
  });

  it("random, forged and malformed messages on every socket run nothing; valid executes interleave", async () => {
    const signer = new Signer(k.info.key);
    const marker = join(markerDir, `lectern-forged-${process.pid}-${Date.now()}`);
    const plant = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran")`;
    const sockets = [k.info.shell_port, k.info.control_port, k.info.stdin_port].map((port) => {
      const s = new zmq.Dealer({ linger: 0, sendTimeout: 2000 });
      s.connect(`tcp://${k.info.ip}:${port}`);
      return s;
    });
    const forged = (): Buffer[][] => {
      const good = executeFrames(signer, plant);
      const wrongKey = executeFrames(new Signer("guess"), plant);
      const unsigned = executeFrames(new Signer(""), plant);
      const noSig = [...good];
      noSig.splice(1, 1);
      return [
        wrongKey,
        unsigned,
        noSig,
        good.slice(0, 4),
        good.slice(0, 2),
        [Buffer.from("<IDS|MSG>")],
        [],
      ];
    };
    const random = fc.sample(
      fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 8 }),
      { numRuns: 300, seed: 15 },
    );
    const started = Date.now();
    let round = 0;
    for (const frames of random) {
      if (Date.now() - started > 60_000) break;
      const sock = sockets[round % sockets.length] as zmq.Dealer;
      const withDelimiter = round % 3 === 0 ? [Buffer.from("<IDS|MSG>"), ...frames] : frames;
      await sock.send(withDelimiter.map((f) => Buffer.from(f)));
      if (round % 10 === 0) {
        for (const f of forged()) if (f.length > 0) await sock.send(f);
      }
      if (round % 25 === 0) {
        const r = await k.client.execute(`${round} * 2`, { timeoutMs: 20_000 });
        assert.equal(r.status, "ok");
        assert.equal(resultText(r.outputs), String(round * 2));
      }
      round++;
    }
    for (const s of sockets) s.close();
    await sleep(300);
    assert.ok(round >= 100, `only ${round} rounds in the time budget`);
    assert.ok(k.client.alive);
    assert.equal(existsSync(marker), false, "a forged execute_request ran");
    assert.equal(resultText((await k.client.execute("'still served'")).outputs), "'still served'");
    assert.equal(await heartbeat(k.info, "after-fuzz"), "after-fuzz");
    assert.match(k.stderr(), /invalid HMAC signature/);
  });

  it("drops an oversized frame, signed or not, and keeps serving", async () => {
    const signer = new Signer(k.info.key);
    const sock = new zmq.Dealer({ linger: 0 });
    sock.connect(`tcp://${k.info.ip}:${k.info.shell_port}`);
    const big = Buffer.alloc(MAX_JSON_FRAME + 16, 0x20);
    const parts = [big, Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    await sock.send([Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(parts)), ...parts]);
    await sock.send([Buffer.from("<IDS|MSG>"), Buffer.from("0".repeat(64)), ...parts]);
    // Another socket's request may be served first: wait (bounded) for the drop to be logged.
    for (let i = 0; i < 100 && !/frame too large/.test(k.stderr()); i++) await sleep(100);
    sock.close();
    assert.match(k.stderr(), /frame too large/);
    const r = await k.client.execute("'after big'", { timeoutMs: 30_000 });
    assert.equal(resultText(r.outputs), "'after big'");
  });

  it("unknown message types and other protocol versions are answered or ignored, never fatal", async () => {
    const signer = new Signer(k.info.key);
    const sock = new zmq.Dealer({ linger: 0, receiveTimeout: 5000 });
    sock.connect(`tcp://${k.info.ip}:${k.info.shell_port}`);
    for (const type of [
      "frobnicate_request",
      "execute_reply",
      "status",
      "",
      "__proto__",
      "constructor",
    ]) {
      const header = newHeader("x", "fuzzer");
      header.msg_type = type;
      await sock.send(encode({ header, parent_header: {}, metadata: {}, content: {} }, signer));
    }
    // A peer holding the key is trusted (that is what the key means); an old
    // or future protocol version does not change how it is served.
    for (const version of ["4.0", "99.9", "", "5.4.1"]) {
      await sock.send(executeFrames(signer, "'v'", version));
      const frames = await sock.receive();
      const reply = decode(frames, signer);
      assert.equal(reply.header.msg_type, "execute_reply");
      assert.equal(reply.content.status, "ok");
    }
    sock.close();
    assert.ok(k.client.alive);
    assert.equal(resultText((await k.client.execute("'typed'")).outputs), "'typed'");
  });
});
