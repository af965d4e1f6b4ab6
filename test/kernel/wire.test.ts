/** The wire format: signing, framing, and a parser that never throws anything but WireError. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decode, encode, newHeader, Signer, WireError } from "../../kernel/wire.js";

const key = "0123456789abcdef";

function message(signer: Signer) {
  return encode(
    {
      ids: [Buffer.from("client-1")],
      header: newHeader("execute_request", "s1"),
      parent_header: {},
      metadata: {},
      content: { code: "1 + 1" },
      buffers: [new Uint8Array([1, 2, 3])],
    },
    signer,
  );
}

describe("wire format", () => {
  it("round-trips a signed message with routing ids and buffers", () => {
    const signer = new Signer(key);
    const decoded = decode(message(signer), signer);
    assert.equal(decoded.header.msg_type, "execute_request");
    assert.deepEqual(decoded.content, { code: "1 + 1" });
    assert.deepEqual(decoded.ids.map(String), ["client-1"]);
    assert.deepEqual([...(decoded.buffers[0] ?? [])], [1, 2, 3]);
  });

  it("rejects a wrong, missing or tampered signature", () => {
    const signer = new Signer(key);
    assert.throws(() => decode(message(new Signer("other key")), signer), /invalid HMAC signature/);
    assert.throws(() => decode(message(new Signer("")), signer), /invalid HMAC signature/);
    const frames = message(signer);
    frames[5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    assert.throws(() => decode(frames, signer), /invalid HMAC signature/);
  });

  it("rejects truncated frames and a missing delimiter", () => {
    const signer = new Signer(key);
    assert.throws(() => decode(message(signer).slice(0, 4), signer), /truncated/);
    assert.throws(() => decode([Buffer.from("x"), Buffer.from("y")], signer), /delimiter/);
  });

  it("rejects JSON that is not an object, even when correctly signed", () => {
    const signer = new Signer(key);
    const parts = ["[1]", "{}", "{}", "{}"].map((p) => Buffer.from(p));
    const frames = [Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(parts)), ...parts];
    assert.throws(() => decode(frames, signer), WireError);
  });

  it("only the configured signature scheme is accepted", () => {
    assert.throws(() => new Signer(key, "none"), /unsupported signature scheme/);
  });

  it("random frames never throw anything but WireError", () => {
    const signer = new Signer(key);
    const valid = message(signer);
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }),
        fc.nat({ max: 8 }),
        (randomFrames, splice) => {
          const frames = [...valid.slice(0, splice), ...randomFrames.map((f) => Buffer.from(f))];
          try {
            decode(frames, signer);
          } catch (err) {
            assert.ok(err instanceof WireError, String(err));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
