/**
 * The wire thread: every ZeroMQ socket lives here, so the heartbeat, kernel
 * info and interrupts are answered while the main thread is busy in a cell
 * (tslab answers neither during a long cell; a frozen heartbeat makes
 * JupyterLab report a dead kernel).
 */
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { type ConnectionInfo, endpoint } from "./connection.js";
import {
  type ParentRef,
  Slot,
  STDIN_CAPACITY,
  slots,
  stdinBytes,
  type ToMain,
  type ToWire,
} from "./shared.js";
import { decode, encode, type Message, newHeader, Signer, WireError } from "./wire.js";

export interface WireThreadData {
  connection: ConnectionInfo;
  shared: SharedArrayBuffer;
  kernelInfo: Record<string, unknown>;
}

const { connection, shared, kernelInfo } = workerData as WireThreadData;
const port = parentPort;
if (port === null) throw new Error("wire-thread.ts must run in a worker thread");
const flags = slots(shared);
const stdinBuffer = stdinBytes(shared);
const signer = new Signer(connection.key, connection.signature_scheme);
const session = randomUUID();

/** Writes to the process's stderr directly: a worker's process.stderr goes through the main thread, which sends it to the notebook. */
function log(text: string): void {
  try {
    writeSync(2, `[lectern kernel] ${text}\n`);
  } catch {
    // stderr closed: nothing to tell
  }
}

function toMain(message: ToMain): void {
  port?.postMessage(message);
}

/**
 * zeromq v6 allows one pending send per socket (EBUSY otherwise), so sends
 * on a socket are chained; the chain also keeps iopub ordered.
 */
class Outbox {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable & zmq.Socket) {}
  send(frames: Buffer[]): void {
    this.tail = this.tail
      .then(
        () => this.socket.send(frames),
        () => undefined,
      )
      .catch((err: unknown) => log(`send failed: ${String(err)}`));
  }
}

const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const iopub = new zmq.Publisher();
const heartbeat = new zmq.Reply();
for (const s of [shell, control, stdin, iopub, heartbeat]) s.linger = 1000;

const outboxes = {
  shell: new Outbox(shell),
  control: new Outbox(control),
  stdin: new Outbox(stdin),
  iopub: new Outbox(iopub),
};

function send(
  channel: keyof typeof outboxes,
  msgType: string,
  content: unknown,
  parent?: ParentRef,
  metadata: Record<string, unknown> = {},
  buffers: ArrayBufferView[] = [],
): void {
  const ids =
    channel === "iopub" ? [Buffer.from(msgType)] : (parent?.ids ?? []).map((id) => Buffer.from(id));
  const frames = encode(
    {
      ids,
      header: newHeader(msgType, session),
      parent_header: parent?.header ?? {},
      metadata,
      content,
      buffers,
    },
    signer,
  );
  outboxes[channel].send(frames);
}

function parentOf(msg: Message): ParentRef {
  return { ids: msg.ids, header: msg.header as unknown as Record<string, unknown> };
}

function status(state: "busy" | "idle", parent: ParentRef): void {
  send("iopub", "status", { execution_state: state }, parent);
}

function answer(channel: "shell" | "control", msg: Message, type: string, content: unknown): void {
  const parent = parentOf(msg);
  status("busy", parent);
  send(channel, type, content, parent);
  status("idle", parent);
}

let stuckTimer: NodeJS.Timeout | undefined;
let requestSeq = 0;
/** The execute_request of the running cell (outputs about it belong there). */
let executingParent: ParentRef | undefined;

/**
 * Interrupts the running cell. SIGINT breaks synchronous code run with
 * `breakOnSigint`; the flag stops async loops at the next tensor op or
 * timer. Synchronous code inside an async continuation (a `while (true) {}`
 * after an `await`) cannot be stopped without killing the process — V8's
 * terminateExecution there trips a Node assertion — so the user is told to
 * restart instead of being left with a silent, busy kernel.
 */
function interrupt(): void {
  Atomics.store(flags, Slot.interruptSeq, requestSeq);
  Atomics.store(flags, Slot.interrupt, 1);
  Atomics.store(flags, Slot.stdinState, 2);
  Atomics.notify(flags, Slot.stdinState);
  if (Atomics.load(flags, Slot.executing) !== 1) return;
  const generation = Atomics.load(flags, Slot.generation);
  process.kill(process.pid, "SIGINT");
  toMain({ kind: "interrupt", generation });
  clearTimeout(stuckTimer);
  stuckTimer = setTimeout(() => {
    const stuck =
      Atomics.load(flags, Slot.executing) === 1 &&
      Atomics.load(flags, Slot.generation) === generation &&
      Atomics.load(flags, Slot.acknowledged) !== generation;
    if (!stuck) return;
    const text =
      "The cell did not stop: it is running synchronous code after an `await`, which cannot be interrupted. " +
      "Restart the kernel to stop it (its variables will be lost).\n";
    log(text.trim());
    if (executingParent) send("iopub", "stream", { name: "stderr", text }, executingParent);
  }, 3000);
}

function forward(channel: "shell" | "control", msg: Message): void {
  if (channel === "shell") requestSeq++;
  toMain({
    kind: "request",
    seq: requestSeq,
    channel,
    ids: msg.ids,
    header: msg.header as unknown as Record<string, unknown>,
    parent_header: msg.parent_header as Record<string, unknown>,
    metadata: msg.metadata,
    content: msg.content,
    buffers: msg.buffers,
  });
}

function receiveOrLog(frames: Buffer[], channel: string): Message | undefined {
  try {
    return decode(frames, signer);
  } catch (err) {
    if (err instanceof WireError) {
      log(`dropped a message on ${channel}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

function handleControl(msg: Message): void {
  const type = msg.header.msg_type;
  if (type === "interrupt_request") {
    interrupt();
    answer("control", msg, "interrupt_reply", { status: "ok" });
  } else if (type === "shutdown_request") {
    const restart = msg.content.restart === true;
    answer("control", msg, "shutdown_reply", { status: "ok", restart });
    toMain({ kind: "shutdown", restart });
    // A main thread stuck in an endless cell cannot exit by itself.
    setTimeout(() => {
      if (Atomics.load(flags, Slot.executing) === 1) process.kill(process.pid, "SIGTERM");
    }, 3000).unref();
  } else if (type === "kernel_info_request") {
    answer("control", msg, "kernel_info_reply", kernelInfo);
  } else if (type === "debug_request") {
    answer("control", msg, "debug_reply", {
      type: "response",
      request_seq: (msg.content as { seq?: number }).seq ?? 0,
      success: false,
      command: (msg.content as { command?: string }).command ?? "",
      message: "debugging is not supported by the lectern kernel",
    });
  } else {
    forward("control", msg);
  }
}

function handleShell(msg: Message): void {
  if (msg.header.msg_type === "kernel_info_request")
    answer("shell", msg, "kernel_info_reply", kernelInfo);
  else forward("shell", msg);
}

function handleStdin(msg: Message): void {
  if (msg.header.msg_type !== "input_reply") return;
  const value = String((msg.content as { value?: unknown }).value ?? "");
  const bytes = Buffer.from(value, "utf8").subarray(0, STDIN_CAPACITY);
  stdinBuffer.set(bytes);
  Atomics.store(flags, Slot.stdinLength, bytes.length);
  Atomics.store(flags, Slot.stdinState, 1);
  Atomics.notify(flags, Slot.stdinState);
}

async function serve(
  socket: zmq.Router,
  channel: string,
  handle: (msg: Message) => void,
): Promise<void> {
  for await (const frames of socket) {
    const msg = receiveOrLog(frames, channel);
    if (msg === undefined) continue;
    try {
      handle(msg);
    } catch (err) {
      log(
        `error handling ${msg.header.msg_type} on ${channel}: ${err instanceof Error ? err.stack : String(err)}`,
      );
    }
  }
}

async function serveHeartbeat(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

port.on("message", (message: ToWire) => {
  if (message.kind === "send") {
    send(
      message.channel,
      message.msgType,
      message.content,
      message.parent,
      message.metadata,
      message.buffers,
    );
  } else if (message.kind === "executing") {
    executingParent = message.parent;
  } else if (message.kind === "input_request") {
    send(
      "stdin",
      "input_request",
      { prompt: message.prompt, password: message.password },
      message.parent,
    );
  } else if (message.kind === "exit") {
    for (const s of [shell, control, stdin, iopub, heartbeat]) s.close();
    port.close();
  }
});

await Promise.all([
  shell.bind(endpoint(connection, connection.shell_port)),
  control.bind(endpoint(connection, connection.control_port)),
  stdin.bind(endpoint(connection, connection.stdin_port)),
  iopub.bind(endpoint(connection, connection.iopub_port)),
  heartbeat.bind(endpoint(connection, connection.hb_port)),
]);
toMain({ kind: "ready" });
// Front ends wait for a status message on iopub before they trust the kernel.
send("iopub", "status", { execution_state: "starting" });
const closed = (err: unknown) => {
  if (!(err instanceof Error && "code" in err && err.code === "EBADF"))
    log(`socket loop ended: ${String(err)}`);
};
serve(shell, "shell", handleShell).catch(closed);
serve(control, "control", handleControl).catch(closed);
serve(stdin, "stdin", handleStdin).catch(closed);
serveHeartbeat().catch(closed);

// A kernel whose launcher died without a shutdown_request (a killed
// `lectern run`, grader worker or Jupyter server) would run on forever,
// holding its ports and memory: exit once we are re-parented, as ipykernel's
// ParentPollerUnix does. Polled here, not on the main thread, so an endless
// cell cannot hide it (test/reliability/faults.test.ts).
const launcher = process.ppid;
setInterval(() => {
  if (process.ppid === launcher) return;
  log(`the process that started the kernel (pid ${launcher}) is gone: exiting`);
  process.kill(process.pid, "SIGTERM");
}, 1000).unref();
