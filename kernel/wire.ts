/**
 * The Jupyter wire format (messaging protocol 5.4): framing, HMAC-SHA256
 * signing and verification. Pure functions, so the parser can be fuzzed
 * without sockets (issue 15).
 *
 * A message on the wire is
 * `[...routing ids, "<IDS|MSG>", signature, header, parent_header, metadata, content, ...buffers]`.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.4";
const DELIMITER = "<IDS|MSG>";

/** The header every Jupyter message carries. */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  subshell_id?: string;
}

/** A decoded Jupyter message. `ids` are the ZeroMQ routing frames. */
export interface Message<C = Record<string, unknown>> {
  ids: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Why a frame set was not accepted; the kernel logs this and drops the message. */
export class WireError extends Error {
  override name = "WireError";
}

/** Signs and checks messages with the connection file's key and scheme. */
export class Signer {
  private readonly key: Buffer;
  private readonly algorithm: string;

  constructor(key: string, scheme = "hmac-sha256") {
    this.key = Buffer.from(key, "utf8");
    // Only the scheme the connection file names is accepted, so a kernel
    // started with a key never accepts messages signed otherwise.
    const match = /^hmac-(sha256|sha512|sha1|md5)$/.exec(scheme);
    if (match === null) throw new WireError(`unsupported signature scheme "${scheme}"`);
    this.algorithm = match[1] as string;
  }

  /** True when messages are signed (an empty key disables signing, per the spec). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: Buffer[]): string {
    if (!this.enabled) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  /** Constant-time comparison so a forger cannot learn the signature byte by byte. */
  verify(signature: Buffer, parts: Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

/** The largest JSON frame accepted (header, content...): guards against memory blow-ups. */
export const MAX_JSON_FRAME = 64 * 1024 * 1024;

function parseJsonFrame(frame: Buffer, what: string): Record<string, unknown> {
  if (frame.length > MAX_JSON_FRAME)
    throw new WireError(`${what} frame too large (${frame.length} bytes)`);
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch {
    throw new WireError(`${what} is not valid JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new WireError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Decodes and authenticates one multipart message. Throws WireError for a
 * missing delimiter, a bad signature or malformed JSON; the signature is
 * checked before any JSON is parsed.
 */
export function decode(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex(
    (f) => f.length === DELIMITER.length && f.toString("latin1") === DELIMITER,
  );
  if (at < 0) throw new WireError("no <IDS|MSG> delimiter");
  if (frames.length < at + 6)
    throw new WireError(`truncated message (${frames.length - at - 1} of 5 frames)`);
  const signature = frames[at + 1] as Buffer;
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new WireError("invalid HMAC signature");
  const header = parseJsonFrame(parts[0] as Buffer, "header");
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new WireError("header lacks msg_type or msg_id");
  }
  return {
    ids: frames.slice(0, at),
    header: header as unknown as Header,
    parent_header: parseJsonFrame(parts[1] as Buffer, "parent_header") as Partial<Header>,
    metadata: parseJsonFrame(parts[2] as Buffer, "metadata"),
    content: parseJsonFrame(parts[3] as Buffer, "content"),
    buffers: frames.slice(at + 6),
  };
}

/** Serialises a message into frames (routing ids, delimiter, signature, JSON parts, buffers). */
export function encode(
  msg: Omit<Message<unknown>, "buffers" | "ids"> & { ids?: Buffer[]; buffers?: ArrayBufferView[] },
  signer: Signer,
): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p ?? {}), "utf8"),
  );
  const buffers = (msg.buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return [
    ...(msg.ids ?? []),
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...buffers,
  ];
}

/** A fresh header for a message of `msgType` in `session`. */
export function newHeader(msgType: string, session: string, username = "lectern"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}
