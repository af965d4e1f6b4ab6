/**
 * The kernel's main thread: runs cells. Sockets live in the wire thread
 * (`wire-thread.ts`); this side receives requests from it and hands it the
 * replies and outputs to send.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect, promisify } from "node:util";
import vm from "node:vm";
import { Worker } from "node:worker_threads";
import {
  type Comm,
  type DisplayChannel,
  type MimeBundle,
  setDisplayChannel,
} from "../display/channel.js";
import { flushPendingDisplays } from "../display/throttle.js";
import { setInterruptCheck } from "../tensor/interrupt.js";
import { readConnectionFile } from "./connection.js";
import { History } from "./history.js";
import { isComplete } from "./is-complete.js";
import {
  createSharedState,
  type ParentRef,
  Slot,
  slots,
  stdinBytes,
  type ToMain,
  type ToWire,
} from "./shared.js";
import { AWAIT_FUNCTION, type CompiledCell, compileCell, IMPORT_FUNCTION } from "./transform.js";
import { type CellSource, cellFileName, formatError, type JupyterError } from "./traceback.js";
import { CellTypechecker } from "./typecheck.js";
import type { WireThreadData } from "./wire-thread.js";

/** Raised inside a cell when the user interrupts it (the name Python uses). */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("the cell was interrupted");
  }
}

/** How type errors are treated (`LECTERN_TYPECHECK`, or `%typecheck MODE` in a cell). */
export type TypecheckMode = "error" | "warning" | "off";

type Request = Extract<ToMain, { kind: "request" }>;

interface CompiledEntry {
  compiled: CompiledCell;
  id: number;
  /** Created on first run (V8's parse), then reused. */
  script?: vm.Script;
}

interface Execution {
  parent: ParentRef;
  generation: number;
  allowStdin: boolean;
  /** Set when the cell was interrupted: its timers stop firing. */
  cancelled: boolean;
}

const DISPLAY = Symbol.for("Jupyter.display");
const realExit = process.exit.bind(process);
const realStdoutWrite = process.stdout.write.bind(process.stdout);
const realStderrWrite = process.stderr.write.bind(process.stderr);
const timers = { setTimeout, setInterval, setImmediate };

function log(text: string): void {
  realStderrWrite(`[lectern kernel] ${text}\n`);
}

function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
      .version as string;
  } catch {
    return "0.0.0";
  }
}

function typescriptVersion(): string {
  try {
    const path = createRequire(import.meta.url).resolve("typescript/package.json");
    return JSON.parse(readFileSync(path, "utf8")).version as string;
  } catch {
    return "5.9";
  }
}

function kernelInfo(): Record<string, unknown> {
  const version = packageVersion();
  const tsVersion = typescriptVersion();
  return {
    status: "ok",
    protocol_version: "5.4",
    implementation: "lectern",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: tsVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: { name: "javascript", typescript: true },
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    },
    banner: `lectern ${version} — TypeScript ${tsVersion} on Node ${process.version}, with lt, nn, optim, data, display and F preloaded`,
    help_links: [
      { text: "lectern", url: "https://github.com/lectern-dl/lectern#readme" },
      {
        text: "TypeScript handbook",
        url: "https://www.typescriptlang.org/docs/handbook/intro.html",
      },
      { text: "Node.js API", url: "https://nodejs.org/api/" },
    ],
    debugger: false,
    supported_features: [],
  };
}

function typecheckMode(value: string | undefined): TypecheckMode {
  return value === "warning" || value === "off" ? value : "error";
}

/** One running kernel (one per process). */
class Kernel {
  private readonly shared = createSharedState();
  private readonly flags = slots(this.shared);
  private readonly worker: Worker;
  private readonly als = new AsyncLocalStorage<Execution>();
  private readonly history = new History();
  private readonly cells = new Map<number, CellSource>();
  private readonly compiledCells = new Map<string, CompiledEntry>();
  private readonly comms = new Map<string, CommImpl>();
  private readonly commTargets = new Map<string, (comm: Comm, data: unknown) => void>();
  private readonly queue: Request[] = [];
  private draining = false;
  private executionCount = 0;
  private cellId = 0;
  private mode: TypecheckMode;
  private checker: CellTypechecker | undefined;
  private lastParent: ParentRef | undefined;
  private current: Execution | undefined;
  private interruptCurrent: (() => void) | undefined;
  private library: Promise<Record<string, unknown>> | undefined;
  private streams: { name: "stdout" | "stderr"; text: string; parent: ParentRef | undefined }[] =
    [];
  private streamTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(connectionFile: string) {
    this.mode = typecheckMode(process.env.LECTERN_TYPECHECK);
    const data: WireThreadData = {
      connection: readConnectionFile(connectionFile),
      shared: this.shared,
      kernelInfo: kernelInfo(),
    };
    this.worker = new Worker(new URL("./wire-thread.js", import.meta.url), { workerData: data });
    this.worker.on("message", (m: ToMain) => this.onWireMessage(m));
    this.worker.on("error", (err) => {
      log(`wire thread failed: ${err.stack ?? err}`);
      realExit(1);
    });
    this.installGlobals();
    this.captureStreams();
    setDisplayChannel(this.displayChannel());
    setInterruptCheck(() => this.checkInterrupt());
    process.on("SIGINT", () => this.onSignal());
    process.on("uncaughtException", (err) => this.reportStray(err, "uncaught exception"));
    process.on("unhandledRejection", (err) => this.reportStray(err, "unhandled promise rejection"));
    // Warm up in the background: the first cell then does not pay for loading
    // the library and the compiler (kernel_info is answered by the wire thread meanwhile).
    timers.setTimeout(() => this.warmUp(), 20).unref();
  }

  private post(message: ToWire): void {
    this.worker.postMessage(message);
  }

  private send(
    channel: "shell" | "iopub" | "control",
    msgType: string,
    content: unknown,
    parent?: ParentRef,
    metadata?: Record<string, unknown>,
    buffers?: ArrayBufferView[],
  ): void {
    if (channel === "iopub" && msgType !== "stream") this.flushStreams();
    this.post({ kind: "send", channel, msgType, content, parent, metadata, buffers });
  }

  private parent(): ParentRef | undefined {
    return this.als.getStore()?.parent ?? this.current?.parent ?? this.lastParent;
  }

  // ---- start-up -----------------------------------------------------------

  private loadLibrary(): Promise<Record<string, unknown>> {
    this.library ??= import("../index.js").then(
      (lt) => {
        const g = globalThis as Record<string, unknown>;
        const ns = lt as unknown as Record<string, unknown>;
        g.lt = ns;
        for (const name of ["nn", "optim", "data", "display"]) g[name] = ns[name];
        g.F = (ns.nn as Record<string, unknown> | undefined)?.functional;
        return ns;
      },
      (err: unknown) => {
        log(
          `could not load the lectern library: ${err instanceof Error ? err.stack : String(err)}`,
        );
        return {};
      },
    );
    return this.library;
  }

  private typechecker(): CellTypechecker {
    this.checker ??= new CellTypechecker(process.cwd());
    return this.checker;
  }

  private async warmUp(): Promise<void> {
    await this.loadLibrary();
    if (this.queue.length > 0 || this.current) return;
    compileCell("0");
    if (this.mode !== "off") this.typechecker().check("lt");
  }

  private installGlobals(): void {
    const g = globalThis as Record<string, unknown>;
    const cwdRequire = createRequire(pathToFileURL(resolvePath(process.cwd(), "__notebook__.js")));
    g.require = cwdRequire;
    g.prompt = (message?: string, defaultValue?: string) =>
      this.prompt(String(message ?? ""), false) ?? defaultValue ?? null;
    g.confirm = (message?: string) =>
      /^\s*y(es)?\s*$/i.test(this.prompt(`${message ?? ""} [y/N] `, false) ?? "");
    g[IMPORT_FUNCTION] = (spec: string) => this.importModule(spec);
    g[AWAIT_FUNCTION] = <T>(value: T): T => {
      this.checkInterrupt();
      return value;
    };
    // A cell must not end the kernel process: that loses every variable with no explanation.
    process.exit = ((code?: number) => {
      throw new Error(
        `process.exit(${code ?? ""}) is not allowed in a notebook cell; use the front end's "Restart Kernel" instead`,
      );
    }) as typeof process.exit;
    process.abort = (() => {
      throw new Error("process.abort() is not allowed in a notebook cell");
    }) as typeof process.abort;
    // Timers created by a cell stop firing once that cell is interrupted, so
    // an async loop waiting on a timer ends with it.
    const wrap = (fn: unknown) => {
      const execution = this.als.getStore();
      if (typeof fn !== "function" || execution === undefined) return fn;
      return (...args: unknown[]) => {
        if (!execution.cancelled) return (fn as (...a: unknown[]) => unknown)(...args);
      };
    };
    for (const name of ["setTimeout", "setInterval", "setImmediate"] as const) {
      const original = timers[name] as unknown as ((...a: unknown[]) => unknown) &
        Record<symbol, unknown>;
      const wrapped = (fn: unknown, ...rest: unknown[]) => original(wrap(fn), ...rest);
      // util.promisify(setTimeout) relies on this symbol.
      g[name] = Object.assign(wrapped, { [promisify.custom]: original[promisify.custom] });
    }
  }

  private loaderRegistered = false;

  private async importModule(spec: string): Promise<unknown> {
    if (spec === "tslab") return import("./tslab.js");
    if (spec === "lectern") return this.loadLibrary();
    if (!this.loaderRegistered) {
      // The loader resolves bare and relative specifiers from the notebook's
      // directory and transpiles local .ts files.
      const { register } = await import("node:module");
      register(new URL("./ts-loader.js", import.meta.url), { data: { cwd: process.cwd() } });
      this.loaderRegistered = true;
    }
    return import(`${spec}`);
  }

  // ---- wire messages ------------------------------------------------------

  private onWireMessage(message: ToMain): void {
    Atomics.store(this.flags, Slot.acknowledged, Atomics.load(this.flags, Slot.generation));
    if (message.kind === "request") {
      this.queue.push(message);
      void this.drain();
    } else if (message.kind === "interrupt") {
      this.onInterrupt(message.generation);
    } else if (message.kind === "shutdown") {
      this.shutdown();
    }
  }

  private shutdown(): void {
    this.flushStreams();
    this.post({ kind: "exit" });
    this.worker.once("exit", () => realExit(0));
    timers.setTimeout(() => realExit(0), 2000).unref();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let req = this.queue.shift(); req !== undefined; req = this.queue.shift()) {
        const parent: ParentRef = { ids: req.ids, header: req.header };
        this.send("iopub", "status", { execution_state: "busy" }, parent);
        try {
          await this.handle(req, parent);
        } catch (err) {
          const type = String(req.header.msg_type);
          log(`error handling ${type}: ${err instanceof Error ? err.stack : String(err)}`);
          // The client waits for a reply; a kernel bug must not leave it waiting forever.
          if (type.endsWith("_request")) {
            const evalue = err instanceof Error ? err.message : String(err);
            this.send(
              req.channel,
              type.replace(/_request$/, "_reply"),
              {
                status: "error",
                ename: "KernelError",
                evalue,
                traceback: [`KernelError: ${evalue}`],
              },
              parent,
            );
          }
        }
        this.flushStreams();
        this.send("iopub", "status", { execution_state: "idle" }, parent);
      }
    } finally {
      this.draining = false;
    }
  }

  private async handle(req: Request, parent: ParentRef): Promise<void> {
    const c = req.content as Record<string, unknown>;
    const reply = (type: string, content: unknown) => this.send(req.channel, type, content, parent);
    switch (req.header.msg_type) {
      case "execute_request":
        return this.execute(req, parent);
      case "complete_request":
        return reply(
          "complete_reply",
          this.complete(String(c.code ?? ""), Number(c.cursor_pos ?? 0)),
        );
      case "inspect_request":
        return reply(
          "inspect_reply",
          this.inspect(String(c.code ?? ""), Number(c.cursor_pos ?? 0)),
        );
      case "is_complete_request":
        return reply("is_complete_reply", isComplete(String(c.code ?? "")));
      case "history_request":
        return reply("history_reply", { status: "ok", history: this.history.query(c) });
      case "comm_info_request": {
        const comms: Record<string, { target_name: string }> = {};
        for (const [id, comm] of this.comms) {
          if (c.target_name === undefined || c.target_name === comm.targetName)
            comms[id] = { target_name: comm.targetName };
        }
        return reply("comm_info_reply", { status: "ok", comms });
      }
      case "comm_open":
        return this.commOpen(c);
      case "comm_msg":
        this.comms.get(String(c.comm_id))?.receive(
          c.data,
          req.buffers.map((b) => toArrayBuffer(b)),
        );
        return;
      case "comm_close": {
        const comm = this.comms.get(String(c.comm_id));
        this.comms.delete(String(c.comm_id));
        comm?.closedByFrontEnd(c.data);
        return;
      }
      default:
        log(`ignoring unsupported ${String(req.header.msg_type)} on ${req.channel}`);
    }
  }

  // ---- execute ------------------------------------------------------------

  private async execute(req: Request, parent: ParentRef): Promise<void> {
    const c = req.content as {
      code?: string;
      silent?: boolean;
      store_history?: boolean;
      user_expressions?: Record<string, string>;
      allow_stdin?: boolean;
      stop_on_error?: boolean;
    };
    const code = String(c.code ?? "");
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    this.lastParent = parent;
    if (!silent) this.send("iopub", "execute_input", { code, execution_count: count }, parent);
    if (storeHistory) this.history.add(count, code);

    const outcome = await this.runCell(code, parent, {
      label: storeHistory ? `In [${count}]` : "In [ ]",
      allowStdin: c.allow_stdin === true,
      silent,
      count,
      seq: req.seq,
    });
    if (outcome.error) {
      if (!silent) this.send("iopub", "error", outcome.error, parent);
      this.send(
        "shell",
        "execute_reply",
        {
          status: "error",
          execution_count: count,
          ...outcome.error,
          user_expressions: {},
          payload: [],
        },
        parent,
      );
      if (c.stop_on_error === true) await this.abortQueued();
      return;
    }
    if (outcome.result && !silent) {
      this.send(
        "iopub",
        "execute_result",
        { execution_count: count, data: outcome.result.data, metadata: outcome.result.metadata },
        parent,
      );
      if (storeHistory)
        this.history.setOutput(count, String(outcome.result.data["text/plain"] ?? ""));
    }
    const userExpressions: Record<string, unknown> = {};
    for (const [name, expr] of Object.entries(c.user_expressions ?? {})) {
      userExpressions[name] = await this.userExpression(String(expr));
    }
    this.send(
      "shell",
      "execute_reply",
      {
        status: "ok",
        execution_count: count,
        user_expressions: userExpressions,
        payload: outcome.payload ?? [],
      },
      parent,
    );
  }

  /** Replies "aborted" to the execute requests already waiting, as stop_on_error asks. */
  private async abortQueued(): Promise<void> {
    // Requests the wire thread already forwarded may still sit in the port's queue.
    await new Promise((r) => timers.setImmediate(r));
    const kept: Request[] = [];
    for (const req of this.queue.splice(0)) {
      if (req.header.msg_type !== "execute_request") {
        kept.push(req);
        continue;
      }
      const parent: ParentRef = { ids: req.ids, header: req.header };
      this.send("iopub", "status", { execution_state: "busy" }, parent);
      this.send(
        "shell",
        "execute_reply",
        { status: "aborted", execution_count: null, user_expressions: {}, payload: [] },
        parent,
      );
      this.send("iopub", "status", { execution_state: "idle" }, parent);
    }
    this.queue.unshift(...kept);
  }

  private async userExpression(expr: string): Promise<unknown> {
    try {
      const value = vm.runInThisContext(`(${expr})`);
      const bundle = await this.bundle(value);
      return { status: "ok", data: bundle.data, metadata: bundle.metadata };
    } catch (err) {
      return { status: "error", ...formatError(err, (id) => this.cells.get(id)) };
    }
  }

  private async runCell(
    code: string,
    parent: ParentRef,
    options: { label: string; allowStdin: boolean; silent: boolean; count: number; seq: number },
  ): Promise<{
    error?: JupyterError;
    result?: { data: MimeBundle; metadata: Record<string, unknown> };
    payload?: unknown[];
  }> {
    await this.loadLibrary();
    let source = code;
    const magic = /^[ \t]*%typecheck[ \t]+(\S+)[ \t]*$/m.exec(source);
    if (magic) {
      const mode = magic[1] as string;
      if (mode !== "error" && mode !== "warning" && mode !== "off") {
        return {
          error: {
            ename: "UsageError",
            evalue: `%typecheck takes error, warning or off, not "${mode}"`,
            traceback: [`UsageError: %typecheck takes error, warning or off, not "${mode}"`],
          },
        };
      }
      this.mode = mode;
      source = source.replace(magic[0], "");
    }
    const help = /^\s*([\w$.]+)\s*\?\s*$/.exec(source);
    if (help) return { payload: [this.pagePayload(help[1] as string)] };
    if (source.trim() === "") return {};

    let entry: CompiledEntry;
    try {
      entry = this.compile(source);
    } catch (err) {
      return { error: formatError(err, () => undefined) };
    }
    const compiled = entry.compiled;
    if (compiled.syntaxErrors.length > 0) {
      return {
        error: diagnosticsError("SyntaxError", compiled.syntaxErrors, source, options.label),
      };
    }
    if (this.mode !== "off") {
      const diagnostics = this.typechecker()
        .check(source)
        .filter((d) => d.category === "error");
      if (diagnostics.length > 0) {
        const report = diagnosticsError("TypeError", diagnostics, source, options.label);
        if (this.mode === "error") return { error: report };
        this.writeStream("stderr", `${report.traceback.join("\n")}\n`, parent);
      }
    }

    this.cells.set(entry.id, {
      label: options.label,
      source,
      positionInCell: compiled.positionInCell,
    });
    const g = globalThis as Record<string, unknown>;
    for (const name of compiled.declared) if (!(name in g)) g[name] = undefined;

    // An interrupt that arrived after this request (while earlier work kept
    // the main thread busy) is meant for this cell: it does not run.
    const pendingInterrupt =
      Atomics.load(this.flags, Slot.interrupt) === 1 &&
      Atomics.load(this.flags, Slot.interruptSeq) >= options.seq;
    Atomics.store(this.flags, Slot.interrupt, 0);
    if (pendingInterrupt) return { error: formatError(new KeyboardInterrupt(), () => undefined) };
    const generation = Atomics.add(this.flags, Slot.generation, 1) + 1;
    const execution: Execution = {
      parent,
      generation,
      allowStdin: options.allowStdin,
      cancelled: false,
    };
    Atomics.store(this.flags, Slot.executing, 1);
    this.current = execution;
    this.post({ kind: "executing", parent });
    try {
      const value = await this.als.run(execution, async () => {
        const interrupted = new Promise<never>((_, reject) => {
          this.interruptCurrent = () => reject(new KeyboardInterrupt());
        });
        interrupted.catch(() => undefined);
        entry.script ??= new vm.Script(compiled.js, { filename: cellFileName(entry.id) });
        let value = entry.script.runInThisContext({ breakOnSigint: true });
        if (compiled.isAsync) value = await Promise.race([value, interrupted]);
        return value;
      });
      this.commitCell(source);
      if (!compiled.hasResult || value === undefined) return {};
      return { result: await this.bundle(value) };
    } catch (err) {
      this.commitCell(source);
      const interrupted = (err as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
      return {
        error: formatError(interrupted ? new KeyboardInterrupt() : err, (cell) =>
          this.cells.get(cell),
        ),
      };
    } finally {
      // Throttled live displays (training curves) send their last state now,
      // under this cell's parent, so a headless run saves the final figure.
      try {
        flushPendingDisplays();
      } catch (err) {
        log(`flushing displays: ${err instanceof Error ? err.stack : String(err)}`);
      }
      Atomics.store(this.flags, Slot.executing, 0);
      Atomics.store(this.flags, Slot.interrupt, 0);
      this.current = undefined;
      this.interruptCurrent = undefined;
    }
  }

  /**
   * Compiles a cell, or reuses the compilation of the same text: re-running
   * a cell (or a notebook) then skips transpiling and V8's parse. The cell id,
   * and so the traceback file name, stays the same for the same text.
   */
  private compile(source: string): CompiledEntry {
    const known = this.compiledCells.get(source);
    if (known) {
      this.compiledCells.delete(source);
      this.compiledCells.set(source, known);
      return known;
    }
    const compiled = compileCell(source);
    const id = ++this.cellId;
    const entry: CompiledEntry = { compiled, id };
    if (compiled.syntaxErrors.length === 0) {
      this.compiledCells.set(source, entry);
      if (this.compiledCells.size > 256)
        this.compiledCells.delete(this.compiledCells.keys().next().value as string);
    }
    return entry;
  }

  private commitCell(source: string): void {
    try {
      this.checker?.commit(source);
    } catch (err) {
      log(`type checker could not record the cell: ${String(err)}`);
    }
  }

  private pagePayload(name: string): Record<string, unknown> {
    const info = this.typechecker().quickInfo(name, name.length);
    const text = info
      ? `${info.signature}\n\n${info.documentation}`.trim()
      : `no information about ${name}`;
    return { source: "page", data: { "text/plain": text }, start: 0 };
  }

  // ---- interrupt ----------------------------------------------------------

  private onInterrupt(generation: number): void {
    const execution = this.current;
    if (execution === undefined || execution.generation !== generation) return;
    execution.cancelled = true;
    Atomics.store(this.flags, Slot.acknowledged, generation);
    this.interruptCurrent?.();
  }

  /**
   * SIGINT from outside (interrupt_mode "signal", or Ctrl-C in a terminal):
   * like an interrupt_request, it also stops a cell that was already queued
   * when the signal came, since the sender meant the work in progress.
   */
  private onSignal(): void {
    const latest = Math.max(0, ...this.queue.map((r) => r.seq));
    if (latest > 0 || this.current) {
      Atomics.store(
        this.flags,
        Slot.interruptSeq,
        Math.max(latest, Atomics.load(this.flags, Slot.interruptSeq)),
      );
      Atomics.store(this.flags, Slot.interrupt, 1);
    }
    this.onInterrupt(Atomics.load(this.flags, Slot.generation));
  }

  private checkInterrupt(): void {
    if (
      Atomics.load(this.flags, Slot.interrupt) === 1 &&
      Atomics.load(this.flags, Slot.executing) === 1
    ) {
      Atomics.store(this.flags, Slot.interrupt, 0);
      throw new KeyboardInterrupt();
    }
  }

  // ---- stdin --------------------------------------------------------------

  private prompt(message: string, password: boolean): string | null {
    const execution = this.als.getStore() ?? this.current;
    if (execution === undefined || !execution.allowStdin) {
      throw new Error(
        "prompt(): this front end does not accept input requests (allow_stdin is false)",
      );
    }
    this.flushStreams();
    Atomics.store(this.flags, Slot.stdinState, 0);
    this.post({ kind: "input_request", prompt: message, password, parent: execution.parent });
    for (;;) {
      Atomics.wait(this.flags, Slot.stdinState, 0, 200);
      const state = Atomics.load(this.flags, Slot.stdinState);
      if (state === 1) {
        const length = Atomics.load(this.flags, Slot.stdinLength);
        return Buffer.from(stdinBytes(this.shared).slice(0, length)).toString("utf8");
      }
      if (state === 2 || Atomics.load(this.flags, Slot.interrupt) === 1) {
        Atomics.store(this.flags, Slot.interrupt, 0);
        throw new KeyboardInterrupt();
      }
    }
  }

  // ---- complete / inspect -------------------------------------------------

  private complete(code: string, cursorPos: number): Record<string, unknown> {
    const offset = utf16Offset(code, cursorPos);
    const result = this.typechecker().completions(code, offset);
    return {
      status: "ok",
      matches: result.entries.map((e) => e.name),
      cursor_start: codePointOffset(code, result.start),
      cursor_end: codePointOffset(code, result.end),
      metadata: {
        _jupyter_types_experimental: result.entries.map((e) => ({
          start: codePointOffset(code, result.start),
          end: codePointOffset(code, result.end),
          text: e.name,
          type: e.kind,
        })),
      },
    };
  }

  private inspect(code: string, cursorPos: number): Record<string, unknown> {
    const info = this.typechecker().quickInfo(code, utf16Offset(code, cursorPos));
    if (info === undefined) return { status: "ok", found: false, data: {}, metadata: {} };
    const doc = info.documentation ? `\n\n${info.documentation}` : "";
    return {
      status: "ok",
      found: true,
      data: {
        "text/plain": `${info.signature}${doc}`,
        "text/markdown": `\`\`\`typescript\n${info.signature}\n\`\`\`${doc}`,
      },
      metadata: {},
    };
  }

  // ---- output -------------------------------------------------------------

  /** The MIME bundle for a value: its `Symbol.for("Jupyter.display")` bundle, or util.inspect text. */
  async bundle(value: unknown): Promise<{ data: MimeBundle; metadata: Record<string, unknown> }> {
    const displayFn = (value as Record<symbol, unknown> | null)?.[DISPLAY];
    if (typeof displayFn === "function") {
      const data = (await displayFn.call(value)) as MimeBundle | undefined;
      if (data && typeof data === "object") {
        return { data: { "text/plain": plainText(value), ...data }, metadata: {} };
      }
    }
    return { data: { "text/plain": plainText(value) }, metadata: {} };
  }

  private captureStreams(): void {
    const capture = (name: "stdout" | "stderr") =>
      ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const text =
          typeof chunk === "string"
            ? chunk
            : Buffer.from(chunk as Uint8Array).toString(
                typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
              );
        this.writeStream(name, text, this.parent());
        const cb = typeof encoding === "function" ? encoding : callback;
        if (typeof cb === "function") process.nextTick(cb as () => void);
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = capture("stdout");
    process.stderr.write = capture("stderr");
  }

  private writeStream(
    name: "stdout" | "stderr",
    text: string,
    parent: ParentRef | undefined,
  ): void {
    if (parent === undefined) {
      (name === "stdout" ? realStdoutWrite : realStderrWrite)(text);
      return;
    }
    const last = this.streams[this.streams.length - 1];
    if (last && last.name === name && last.parent === parent) last.text += text;
    else this.streams.push({ name, text, parent });
    // A timer cannot fire during a synchronous loop, so writes also flush
    // when the last flush is old: a long cell's prints still arrive live.
    const now = performance.now();
    if (
      now - this.lastFlush > 50 ||
      this.streams.reduce((n, s) => n + s.text.length, 0) > 1 << 16
    ) {
      this.flushStreams();
    } else {
      this.streamTimer ??= timers.setTimeout(() => this.flushStreams(), 30);
    }
  }

  private flushStreams(): void {
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
    // Only a flush that sent text starts the batching window: the first
    // print after a quiet spell goes out at once, so it is neither held back
    // by a long synchronous loop nor lost if the process dies next
    // (test/reliability/faults.test.ts "a kernel that dies").
    if (this.streams.length > 0) this.lastFlush = performance.now();
    const pending = this.streams;
    this.streams = [];
    for (const s of pending) {
      this.post({
        kind: "send",
        channel: "iopub",
        msgType: "stream",
        content: { name: s.name, text: s.text },
        parent: s.parent,
      });
    }
  }

  private reportStray(err: unknown, what: string): void {
    const parent = this.parent();
    const error = formatError(err, (id) => this.cells.get(id));
    error.traceback.unshift(`(${what}, reported after its cell)`);
    if (parent) this.send("iopub", "error", error, parent);
    else log(`${what}: ${error.traceback.join("\n")}`);
  }

  private displayChannel(): DisplayChannel {
    return {
      display: (data, metadata = {}, displayId) => {
        this.send(
          "iopub",
          "display_data",
          { data, metadata, transient: displayId ? { display_id: displayId } : {} },
          this.parent(),
        );
      },
      update: (displayId, data, metadata = {}) => {
        this.send(
          "iopub",
          "update_display_data",
          { data, metadata, transient: { display_id: displayId } },
          this.parent(),
        );
      },
      clear: (wait = false) => {
        this.send("iopub", "clear_output", { wait }, this.parent());
      },
      openComm: (targetName, data, metadata = {}, buffers = []) => {
        const comm = new CommImpl(randomUUID(), targetName, this);
        this.comms.set(comm.commId, comm);
        this.sendComm(
          "comm_open",
          { comm_id: comm.commId, target_name: targetName, data },
          metadata,
          buffers,
        );
        return comm;
      },
      registerCommTarget: (targetName, handler) => {
        this.commTargets.set(targetName, handler);
      },
    };
  }

  sendComm(
    type: string,
    content: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
    buffers: ArrayBuffer[] = [],
  ): void {
    this.send(
      "iopub",
      type,
      content,
      this.parent(),
      metadata,
      buffers.map((b) => new Uint8Array(b)),
    );
  }

  forgetComm(id: string): void {
    this.comms.delete(id);
  }

  private commOpen(c: Record<string, unknown>): void {
    const id = String(c.comm_id);
    const target = String(c.target_name);
    const handler = this.commTargets.get(target);
    if (handler === undefined) {
      // As ipykernel does: an unknown target is closed at once, so the front end does not wait.
      this.sendComm("comm_close", { comm_id: id, data: {} });
      return;
    }
    const comm = new CommImpl(id, target, this);
    this.comms.set(id, comm);
    handler(comm, c.data);
  }
}

class CommImpl implements Comm {
  private readonly messageHandlers: ((data: unknown, buffers: ArrayBuffer[]) => void)[] = [];
  private readonly closeHandlers: ((data: unknown) => void)[] = [];
  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly kernel: Kernel,
  ) {}
  send(data: unknown, metadata?: Record<string, unknown>, buffers?: ArrayBuffer[]): void {
    this.kernel.sendComm("comm_msg", { comm_id: this.commId, data }, metadata, buffers);
  }
  close(data?: unknown): void {
    this.kernel.sendComm("comm_close", { comm_id: this.commId, data: data ?? {} });
    this.kernel.forgetComm(this.commId);
  }
  onMessage(handler: (data: unknown, buffers: ArrayBuffer[]) => void): void {
    this.messageHandlers.push(handler);
  }
  onClose(handler: (data: unknown) => void): void {
    this.closeHandlers.push(handler);
  }
  receive(data: unknown, buffers: ArrayBuffer[]): void {
    for (const h of this.messageHandlers) h(data, buffers);
  }
  closedByFrontEnd(data: unknown): void {
    for (const h of this.closeHandlers) h(data);
  }
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** text/plain without ANSI colours (Deno's kernel sends colour codes that nbconvert shows raw). */
function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, breakLength: 100 });
}

function diagnosticsError(
  ename: string,
  diagnostics: { line: number; column: number; code: number; message: string }[],
  source: string,
  label: string,
): JupyterError {
  const lines = source.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    traceback.push(`${label}:${d.line}:${d.column} - error TS${d.code}: ${d.message}`);
    const text = lines[d.line - 1];
    if (text !== undefined) traceback.push(`  ${text}`, `  ${" ".repeat(d.column - 1)}^`);
  }
  const first = diagnostics[0];
  const evalue =
    diagnostics.length === 1 && first
      ? first.message
      : `${diagnostics.length} errors; the first: ${first?.message ?? ""}`;
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...traceback] };
}

/** Jupyter counts cursor positions in Unicode code points; JavaScript strings in UTF-16 units. */
export function utf16Offset(text: string, codePoints: number): number {
  let offset = 0;
  for (let i = 0; i < codePoints && offset < text.length; i++) {
    offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  }
  return offset;
}

export function codePointOffset(text: string, utf16: number): number {
  return [...text.slice(0, utf16)].length;
}

/** Runs the kernel for a connection file until a shutdown_request arrives. */
export function runKernel(connectionFile: string): void {
  new Kernel(connectionFile);
}
