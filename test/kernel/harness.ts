/** Helpers for kernel tests: a started kernel plus raw sockets for what a client never does (forged messages). */
import { readFileSync } from "node:fs";
import * as zmq from "zeromq";
import { type KernelClient, type StartKernelOptions, startKernel } from "../../kernel/client.js";
import type { ConnectionInfo } from "../../kernel/connection.js";
import type { Message } from "../../kernel/wire.js";

export interface TestKernel {
  client: KernelClient;
  info: ConnectionInfo;
  stderr: () => string;
  /** iopub messages whose parent is `msgId`, collected from now on. */
  iopubFor(msgId: string): Message[];
}

export async function startTestKernel(options: StartKernelOptions = {}): Promise<TestKernel> {
  const client = await startKernel({
    env: { ...process.env, LECTERN_TYPECHECK: "error" },
    ...options,
  });
  let log = "";
  client.on("stderr", (t: string) => {
    log += t;
  });
  const byParent = new Map<string, Message[]>();
  client.on("iopub", (m: Message) => {
    const id = String(m.parent_header.msg_id ?? "");
    byParent.set(id, [...(byParent.get(id) ?? []), m]);
  });
  const info = JSON.parse(readFileSync(client.connectionFile, "utf8")) as ConnectionInfo;
  return {
    client,
    info,
    stderr: () => log,
    iopubFor: (id) => byParent.get(id) ?? [],
  };
}

/** One heartbeat round trip; resolves with the echoed bytes or rejects after `timeoutMs`. */
export async function heartbeat(
  info: ConnectionInfo,
  payload: string,
  timeoutMs = 2000,
): Promise<string> {
  const sock = new zmq.Request({ receiveTimeout: timeoutMs, linger: 0 });
  sock.connect(`tcp://${info.ip}:${info.hb_port}`);
  try {
    await sock.send(payload);
    const [reply] = await sock.receive();
    return String(reply);
  } finally {
    sock.close();
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The text/plain of the execute_result among `outputs`, if any. */
export function resultText(
  outputs: { output_type: string; data?: Record<string, unknown> }[],
): string | undefined {
  const r = outputs.find((o) => o.output_type === "execute_result");
  return r?.data?.["text/plain"] as string | undefined;
}

/** All stream text of one stream name. */
export function streamText(
  outputs: { output_type: string; name?: string; text?: string }[],
  name: string,
): string {
  return outputs
    .filter((o) => o.output_type === "stream" && o.name === name)
    .map((o) => o.text)
    .join("");
}
