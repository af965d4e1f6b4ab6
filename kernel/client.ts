/**
 * A Jupyter client for the lectern kernel: starts a real kernel process and
 * talks ZeroMQ to it, as JupyterLab does. `lectern run`, the grader and the
 * tests use it. See kernel/README.md for the contract.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import type { MimeBundle } from "../display/channel.js";
import type { ConnectionInfo } from "./connection.js";
import { decode, encode, type Message, newHeader, Signer } from "./wire.js";

export interface StartKernelOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  argv?: string[];
  nodeOptions?: string[];
  startupTimeoutMs?: number;
  stderr?: "pipe" | "inherit" | "ignore";
  /**
   * Runs another kernel instead of lectern's (benchmarks against tslab): the
   * full command line, with `{connection_file}` replaced by the file's path.
   */
  kernelArgv?: string[];
}

export interface ExecuteOptions {
  timeoutMs?: number;
  stopOnError?: boolean;
  allowStdin?: boolean;
  silent?: boolean;
  storeHistory?: boolean;
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
  onOutput?: (output: NbOutput) => void;
}

/** An nbformat 4.5 output object. */
export type NbOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> }
  | {
      output_type: "execute_result";
      execution_count: number;
      data: MimeBundle;
      metadata: Record<string, unknown>;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface ExecuteResult {
  status: "ok" | "error" | "aborted" | "timeout" | "died";
  executionCount: number | null;
  outputs: NbOutput[];
  error?: { ename: string; evalue: string; traceback: string[] };
  reply?: Record<string, unknown>;
}

const BIN = fileURLToPath(new URL("../cli/bin.js", import.meta.url));

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((res, rej) => {
        server.once("error", rej);
        server.listen(0, "127.0.0.1", () => res(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Writes a fresh connection file (mode 0600) in a private temp folder. */
export async function createConnectionFile(): Promise<{
  path: string;
  info: ConnectionInfo;
  dir: string;
}> {
  const [shell, iopub, stdin, control, hb] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const info: ConnectionInfo = {
    ip: "127.0.0.1",
    transport: "tcp",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "lectern",
  };
  const dir = mkdtempSync(join(tmpdir(), "lectern-kernel-"));
  const path = join(dir, "connection.json");
  writeFileSync(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { path, info, dir };
}

interface Pending {
  resolve: (msg: Message) => void;
  reject: (err: Error) => void;
}

interface Running {
  outputs: NbOutput[];
  clearOnNext: boolean;
  idle: () => void;
  options: ExecuteOptions;
}

/** One kernel process and the sockets connected to it. */
class Connection {
  readonly session = randomUUID();
  readonly signer: Signer;
  readonly shell = new zmq.Dealer({ routingId: this.session });
  readonly control = new zmq.Dealer({ routingId: this.session });
  readonly stdin = new zmq.Dealer({ routingId: this.session });
  readonly iopub = new zmq.Subscriber();
  private readonly tails = new Map<zmq.Dealer, Promise<unknown>>();
  exited = false;

  constructor(
    readonly process: ChildProcess,
    readonly info: ConnectionInfo,
    readonly path: string,
    readonly dir: string,
  ) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const url = (port: number) => `tcp://${info.ip}:${port}`;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.linger = 0;
    this.shell.connect(url(info.shell_port));
    this.control.connect(url(info.control_port));
    this.stdin.connect(url(info.stdin_port));
    this.iopub.connect(url(info.iopub_port));
    this.iopub.subscribe();
  }

  send(
    socket: zmq.Dealer,
    msgType: string,
    content: unknown,
    parent: Record<string, unknown> = {},
  ): Message["header"] {
    const header = newHeader(msgType, this.session, "lectern-client");
    const frames = encode({ header, parent_header: parent, metadata: {}, content }, this.signer);
    const tail = (this.tails.get(socket) ?? Promise.resolve())
      .then(() => socket.send(frames))
      .catch(() => undefined);
    this.tails.set(socket, tail);
    return header;
  }

  close(): void {
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class KernelClient extends EventEmitter {
  private conn!: Connection;
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, Running>();
  private readonly displays = new Map<string, { outputs: NbOutput[]; index: number }[]>();
  private iopubSeen = 0;
  /** Milliseconds from spawning the process to its first kernel_info_reply. */
  startupMs: number | undefined;

  constructor(private readonly options: StartKernelOptions) {
    super();
  }

  /** The kernel's process id (never a group or broadcast id: a caller may signal it). */
  get pid(): number {
    const pid = this.conn.process.pid;
    if (pid === undefined || pid <= 1)
      throw new Error("the kernel process has no pid (it failed to start)");
    return pid;
  }

  get connectionFile(): string {
    return this.conn.path;
  }

  get alive(): boolean {
    return !this.conn.exited;
  }

  /** Starts the kernel process and waits until it answers kernel_info with iopub connected. */
  async launch(): Promise<void> {
    this.startupMs = undefined;
    const { path, info, dir } = await createConnectionFile();
    const o = this.options;
    const argv = o.kernelArgv?.map((a) => a.replaceAll("{connection_file}", path)) ?? [
      process.execPath,
      ...(o.nodeOptions ?? []),
      BIN,
      "kernel",
      "-f",
      path,
      ...(o.argv ?? []),
    ];
    const started = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ["ignore", "ignore", o.stderr ?? "pipe"],
    });
    const conn = new Connection(child, info, path, dir);
    this.conn = conn;
    child.stderr?.on("data", (d: Buffer) => this.emit("stderr", d.toString("utf8")));
    child.on("exit", (code, signal) => {
      conn.exited = true;
      if (this.conn === conn) {
        for (const [id, p] of this.pending) {
          p.reject(new Error(`the kernel exited (code ${code}, signal ${signal})`));
          this.pending.delete(id);
        }
        for (const r of this.running.values()) r.idle();
      }
      this.emit("exit", code, signal);
    });
    void this.receive(conn, conn.shell);
    void this.receive(conn, conn.control);
    void this.receiveIopub(conn);
    void this.receiveStdin(conn);
    const deadline = Date.now() + (o.startupTimeoutMs ?? 30_000);
    // The first iopub messages are lost until the subscription is connected
    // (ZeroMQ's slow joiner), so ask again until a status arrives on iopub.
    for (;;) {
      if (conn.exited) throw new Error("the kernel process exited during start-up");
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(
          `the kernel did not answer kernel_info within ${o.startupTimeoutMs ?? 30_000} ms`,
        );
      }
      const seen = this.iopubSeen;
      try {
        await this.request("kernel_info_request", {}, "shell", 2000);
        this.startupMs ??= performance.now() - started;
      } catch {
        continue;
      }
      await new Promise((r) => setTimeout(r, 50));
      if (this.iopubSeen > seen) return;
    }
  }

  private async receive(conn: Connection, socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = decode(frames, conn.signer);
        const id = String(msg.parent_header.msg_id ?? "");
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          p.resolve(msg);
        }
      }
    } catch {
      // socket closed
    }
  }

  private async receiveStdin(conn: Connection): Promise<void> {
    try {
      for await (const frames of conn.stdin) {
        const msg = decode(frames, conn.signer);
        if (msg.header.msg_type !== "input_request") continue;
        const run = this.running.get(String(msg.parent_header.msg_id ?? ""));
        const c = msg.content as { prompt?: string; password?: boolean };
        let value = "";
        try {
          value = run?.options.onInput
            ? await run.options.onInput(String(c.prompt ?? ""), c.password === true)
            : "";
        } catch {
          value = "";
        }
        conn.send(
          conn.stdin,
          "input_reply",
          { value },
          msg.header as unknown as Record<string, unknown>,
        );
      }
    } catch {
      // socket closed
    }
  }

  private async receiveIopub(conn: Connection): Promise<void> {
    try {
      for await (const frames of conn.iopub) {
        const msg = decode(frames, conn.signer);
        this.iopubSeen++;
        this.emit("iopub", msg);
        const run = this.running.get(String(msg.parent_header.msg_id ?? ""));
        if (run) this.collect(run, msg);
      }
    } catch {
      // socket closed
    }
  }

  private collect(run: Running, msg: Message): void {
    const c = msg.content as Record<string, unknown>;
    const type = msg.header.msg_type;
    if (type === "status" && c.execution_state === "idle") {
      run.idle();
      return;
    }
    if (type === "clear_output") {
      if (c.wait === true) run.clearOnNext = true;
      else run.outputs.length = 0;
      return;
    }
    if (type === "update_display_data") {
      const id = (c.transient as { display_id?: string } | undefined)?.display_id;
      for (const at of this.displays.get(id ?? "") ?? []) {
        const out = at.outputs[at.index];
        if (out && out.output_type === "display_data") {
          out.data = c.data as MimeBundle;
          out.metadata = (c.metadata as Record<string, unknown>) ?? {};
        }
      }
      return;
    }
    let output: NbOutput | undefined;
    if (type === "stream")
      output = { output_type: "stream", name: c.name as "stdout" | "stderr", text: String(c.text) };
    else if (type === "display_data")
      output = {
        output_type: "display_data",
        data: c.data as MimeBundle,
        metadata: (c.metadata as Record<string, unknown>) ?? {},
      };
    else if (type === "execute_result")
      output = {
        output_type: "execute_result",
        execution_count: c.execution_count as number,
        data: c.data as MimeBundle,
        metadata: (c.metadata as Record<string, unknown>) ?? {},
      };
    else if (type === "error")
      output = {
        output_type: "error",
        ename: String(c.ename),
        evalue: String(c.evalue),
        traceback: (c.traceback as string[]) ?? [],
      };
    if (output === undefined) return;
    if (run.clearOnNext) {
      run.outputs.length = 0;
      run.clearOnNext = false;
    }
    const last = run.outputs[run.outputs.length - 1];
    if (
      output.output_type === "stream" &&
      last?.output_type === "stream" &&
      last.name === output.name
    ) {
      last.text += output.text;
    } else {
      run.outputs.push(output);
      const id = (c.transient as { display_id?: string } | undefined)?.display_id;
      if (output.output_type === "display_data" && id) {
        this.displays.set(id, [
          ...(this.displays.get(id) ?? []),
          { outputs: run.outputs, index: run.outputs.length - 1 },
        ]);
      }
    }
    run.options.onOutput?.(output);
  }

  /** Sends a request on shell or control and resolves with its reply. */
  request(
    msgType: string,
    content: object,
    channel: "shell" | "control" = "shell",
    timeoutMs = 60_000,
  ): Promise<Message> {
    return this.sendRequest(msgType, content, channel, timeoutMs).reply;
  }

  private sendRequest(
    msgType: string,
    content: object,
    channel: "shell" | "control",
    timeoutMs: number,
  ): { msgId: string; reply: Promise<Message> } {
    const conn = this.conn;
    if (conn.exited)
      return { msgId: "", reply: Promise.reject(new Error("the kernel is not running")) };
    const header = conn.send(channel === "shell" ? conn.shell : conn.control, msgType, content);
    const reply = new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(header.msg_id);
        reject(new Error(`no ${msgType.replace("_request", "_reply")} within ${timeoutMs} ms`));
      }, timeoutMs);
      // A request left unanswered (comm messages have no reply) must not keep the process alive.
      timer.unref();
      this.pending.set(header.msg_id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    return { msgId: header.msg_id, reply };
  }

  async kernelInfo(): Promise<Record<string, unknown>> {
    return (await this.request("kernel_info_request", {})).content;
  }

  /** Runs `code` and collects its outputs as nbformat output objects. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const conn = this.conn;
    if (conn.exited) return { status: "died", executionCount: null, outputs: [] };
    let markIdle!: () => void;
    const idle = new Promise<void>((r) => {
      markIdle = r;
    });
    const run: Running = { outputs: [], clearOnNext: false, idle: () => markIdle(), options };
    const content = {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: options.allowStdin ?? options.onInput !== undefined,
      stop_on_error: options.stopOnError ?? false,
    };
    const { msgId, reply: replyPromise } = this.sendRequest(
      "execute_request",
      content,
      "shell",
      2 ** 31 - 1,
    );
    this.running.set(msgId, run);
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // ZeroMQ's pending receives do not keep Node's event loop alive; a running cell must.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const timeout = new Promise<"timeout">((r) => {
      if (options.timeoutMs !== undefined)
        timer = setTimeout(() => r("timeout"), options.timeoutMs);
    });
    try {
      let reply: Message | "timeout" = await Promise.race([replyPromise, timeout]).catch(
        () => "died" as never,
      );
      if (reply === "timeout") {
        timedOut = true;
        await this.interrupt().catch(() => undefined);
        const late = await Promise.race([
          replyPromise.catch(() => undefined),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000)),
        ]);
        if (late === undefined) {
          await this.restart();
          return {
            status: "timeout",
            executionCount: null,
            outputs: run.outputs,
            error: {
              ename: "TimeoutError",
              evalue: `the cell ran longer than ${options.timeoutMs} ms and did not stop when interrupted; the kernel was restarted`,
              traceback: [],
            },
          };
        }
        reply = late;
      }
      if (reply === undefined)
        return { status: "died", executionCount: null, outputs: run.outputs };
      await Promise.race([idle, new Promise((r) => setTimeout(r, 5000))]);
      const c = reply.content as Record<string, unknown>;
      const error =
        c.status === "error"
          ? {
              ename: String(c.ename),
              evalue: String(c.evalue),
              traceback: (c.traceback as string[]) ?? [],
            }
          : undefined;
      if (timedOut) {
        return {
          status: "timeout",
          executionCount: (c.execution_count as number) ?? null,
          outputs: run.outputs,
          reply: c,
          error: {
            ename: "TimeoutError",
            evalue: `the cell ran longer than ${options.timeoutMs} ms and was interrupted`,
            traceback: error?.traceback ?? [],
          },
        };
      }
      return {
        status: c.status as ExecuteResult["status"],
        executionCount: (c.execution_count as number | null) ?? null,
        outputs: run.outputs,
        error,
        reply: c,
      };
    } catch {
      return { status: "died", executionCount: null, outputs: run.outputs };
    } finally {
      clearTimeout(timer);
      clearInterval(keepAlive);
      this.running.delete(msgId);
    }
  }

  async interrupt(): Promise<void> {
    await this.request("interrupt_request", {}, "control", 10_000);
  }

  /** Stops the process (politely, then SIGKILL) and starts a fresh one: all state is lost. */
  async restart(): Promise<void> {
    await this.stop(true);
    this.displays.clear();
    await this.launch();
  }

  async shutdown(): Promise<void> {
    await this.stop(false);
  }

  private async stop(restart: boolean): Promise<void> {
    const conn = this.conn;
    if (!conn.exited) {
      const exited = new Promise<void>((r) => conn.process.once("exit", () => r()));
      await this.request("shutdown_request", { restart }, "control", 5000).catch(() => undefined);
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 5000)),
      ]);
      if (killed) {
        conn.process.kill("SIGKILL");
        await exited;
      }
    }
    conn.close();
  }
}

/** Starts a lectern kernel process and connects to it. */
export async function startKernel(options: StartKernelOptions = {}): Promise<KernelClient> {
  const client = new KernelClient(options);
  await client.launch();
  return client;
}
