/**
 * The kernel at the protocol level, through a real kernel process and
 * ZeroMQ (test names follow Deno's kernel integration tests).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as zmq from "zeromq";
import { encode, newHeader, Signer } from "../../kernel/wire.js";
import {
  heartbeat,
  resultText,
  sleep,
  startTestKernel,
  streamText,
  type TestKernel,
} from "./harness.js";

describe("kernel protocol", { timeout: 180000 }, () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel();
  });
  after(async () => {
    await k.client.shutdown();
  });

  it("heartbeat echo", async () => {
    assert.equal(await heartbeat(k.info, "ping-42"), "ping-42");
  });

  it("kernel_info with status", async () => {
    const info = await k.client.kernelInfo();
    assert.equal(info.status, "ok");
    assert.equal(info.protocol_version, "5.4");
    assert.equal(info.implementation, "lectern");
    const lang = info.language_info as Record<string, unknown>;
    assert.equal(lang.name, "typescript");
    assert.equal(lang.file_extension, ".ts");
    assert.equal(lang.mimetype, "text/typescript");
    assert.ok(Array.isArray(info.help_links) && info.help_links.length > 0);
  });

  it("execute", async () => {
    const r = await k.client.execute("1 + 1");
    assert.equal(r.status, "ok");
    assert.equal(resultText(r.outputs), "2");
    const r2 = await k.client.execute("const greeting: string = 'hi'\ngreeting.length");
    assert.equal(r2.executionCount, (r.executionCount ?? 0) + 1);
    assert.equal(resultText(r2.outputs), "2");
  });

  it("sends busy, execute_input, execute_result, then idle, in that order", async () => {
    const r = await k.client.request("execute_request", {
      code: "6 * 7",
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    });
    await sleep(100);
    const types = k.iopubFor(String(r.parent_header.msg_id)).map((m) => m.header.msg_type);
    assert.deepEqual(types, ["status", "execute_input", "execute_result", "status"]);
    const statuses = k
      .iopubFor(String(r.parent_header.msg_id))
      .filter((m) => m.header.msg_type === "status");
    assert.deepEqual(
      statuses.map((m) => m.content.execution_state),
      ["busy", "idle"],
    );
  });

  it("error traceback", async () => {
    const r = await k.client.execute("const ok = 1;\nthrow new RangeError('out of range');");
    assert.equal(r.status, "error");
    assert.equal(r.error?.ename, "RangeError");
    assert.equal(r.error?.evalue, "out of range");
    const tb = r.error?.traceback.join("\n") ?? "";
    assert.match(tb, /In \[\d+\]:2:7/);
    assert.doesNotMatch(tb, /node:internal|dist\/kernel/);
    const out = r.outputs.find((o) => o.output_type === "error");
    assert.ok(out, "an error output is published on iopub");
  });

  it("does not abort the next cell after an error (stop_on_error false)", async () => {
    const [a, b] = await Promise.all([
      k.client.execute("throw new Error('first')"),
      k.client.execute("'second'"),
    ]);
    assert.equal(a.status, "error");
    assert.equal(b.status, "ok");
    assert.equal(resultText(b.outputs), "'second'");
  });

  it("aborts queued cells after an error when stop_on_error is set", async () => {
    const [a, b] = await Promise.all([
      k.client.execute("throw new Error('stop here')", { stopOnError: true }),
      k.client.execute("'never runs'"),
    ]);
    assert.equal(a.status, "error");
    assert.equal(b.status, "aborted");
  });

  it("stdin prompt", async () => {
    const prompts: string[] = [];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own template literal
    const r = await k.client.execute("const who = prompt('Your name?');\n`hello ${who}`", {
      onInput: (p) => {
        prompts.push(p);
        return "Ada";
      },
    });
    assert.equal(r.status, "ok");
    assert.deepEqual(prompts, ["Your name?"]);
    assert.equal(resultText(r.outputs), "'hello Ada'");
  });

  it("prompt without allow_stdin raises a clear error", async () => {
    const r = await k.client.execute("prompt('x')");
    assert.equal(r.status, "error");
    assert.match(r.error?.evalue ?? "", /allow_stdin/);
  });

  it("prompt does not block heartbeat", async () => {
    let answer!: (v: string) => void;
    const pending = k.client.execute("prompt('wait')", {
      onInput: () => new Promise<string>((r) => (answer = r)),
    });
    await sleep(300);
    const t0 = Date.now();
    assert.equal(await heartbeat(k.info, "still-alive", 1000), "still-alive");
    assert.ok(Date.now() - t0 < 1000);
    answer("done");
    const r = await pending;
    assert.equal(resultText(r.outputs), "'done'");
  });

  it("heartbeat answers while a synchronous cell runs", async () => {
    const pending = k.client.execute(
      "const until = Date.now() + 1500; while (Date.now() < until) {}",
    );
    await sleep(300);
    assert.equal(await heartbeat(k.info, "busy-beat", 1000), "busy-beat");
    assert.equal((await pending).status, "ok");
  });

  it("completion with multibyte and astral characters before the cursor", async () => {
    const code = "const s = 'é🙂漢'; s.toUpp";
    const cursor = [...code].length;
    const reply = await k.client.request("complete_request", { code, cursor_pos: cursor });
    const c = reply.content as {
      status: string;
      matches: string[];
      cursor_start: number;
      cursor_end: number;
    };
    assert.equal(c.status, "ok");
    assert.ok(c.matches.includes("toUpperCase"), `matches: ${c.matches.slice(0, 10)}`);
    assert.equal(c.cursor_end, cursor);
    assert.equal(c.cursor_start, cursor - "toUpp".length);
  });

  it("completes the preloaded lectern API and earlier cells' names", async () => {
    await k.client.execute("const myLongVariableName = 3");
    const code = "myLongVa";
    const r = await k.client.request("complete_request", { code, cursor_pos: code.length });
    assert.ok((r.content.matches as string[]).includes("myLongVariableName"));
    const r2 = await k.client.request("complete_request", { code: "lt.", cursor_pos: 3 });
    assert.ok((r2.content.matches as string[]).includes("LecternError"));
  });

  it("inspect shows signature and documentation", async () => {
    const code = "Math.max";
    const r = await k.client.request("inspect_request", {
      code,
      cursor_pos: code.length,
      detail_level: 0,
    });
    assert.equal(r.content.status, "ok");
    assert.equal(r.content.found, true);
    assert.match(
      String((r.content.data as Record<string, unknown>)["text/plain"]),
      /max\(\.\.\.values: number\[\]\): number/,
    );
  });

  it("is_complete for unbalanced code", async () => {
    const ask = async (code: string) =>
      (await k.client.request("is_complete_request", { code })).content.status;
    assert.equal(await ask("function f() {"), "incomplete");
    assert.equal(await ask("const s = `a ${1 + "), "incomplete");
    assert.equal(await ask("1 + 1"), "complete");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: cells with template literals
    assert.equal(await ask("const t = `x ${1} y`"), "complete");
    assert.equal(await ask("foo())"), "invalid");
  });

  it("store_history false", async () => {
    const before = await k.client.execute("1");
    const hidden = await k.client.execute("'hidden cell'", { storeHistory: false });
    assert.equal(hidden.status, "ok");
    const next = await k.client.execute("2");
    assert.equal(next.executionCount, (before.executionCount ?? 0) + 1);
    const h = await k.client.request("history_request", {
      output: false,
      raw: true,
      hist_access_type: "tail",
      n: 100,
    });
    const inputs = (h.content.history as [number, number, string][]).map((e) => e[2]);
    assert.ok(inputs.includes("1") && !inputs.includes("'hidden cell'"));
  });

  it("history search with a glob pattern", async () => {
    await k.client.execute("const historyMarker = 1");
    const h = await k.client.request("history_request", {
      output: false,
      raw: true,
      hist_access_type: "search",
      pattern: "*historyMarker*",
      n: 10,
    });
    assert.equal((h.content.history as unknown[]).length, 1);
  });

  it("interrupt reply", async () => {
    const r = await k.client.request("interrupt_request", {}, "control");
    assert.equal(r.header.msg_type, "interrupt_reply");
    assert.equal(r.content.status, "ok");
  });

  it("debug_request is answered with not supported", async () => {
    const r = await k.client.request(
      "debug_request",
      { seq: 1, type: "request", command: "initialize" },
      "control",
    );
    assert.equal(r.content.success, false);
    assert.match(String(r.content.message), /not supported/);
  });

  it("comm_open for an unknown target is answered with comm_close", async () => {
    const closes: string[] = [];
    const listener = (m: { header: { msg_type: string }; content: Record<string, unknown> }) => {
      if (m.header.msg_type === "comm_close") closes.push(String(m.content.comm_id));
    };
    k.client.on("iopub", listener);
    void k.client
      .request("comm_open", { comm_id: "nobody-home", target_name: "missing", data: {} })
      .catch(() => undefined);
    await sleep(300);
    k.client.off("iopub", listener);
    assert.deepEqual(closes, ["nobody-home"]);
    const info = await k.client.request("comm_info_request", { target_name: "missing" });
    assert.deepEqual(info.content.comms, {});
  });

  it("rejects invalid hmac signature", async () => {
    const forge = async (signer: Signer, code: string) => {
      const sock = new zmq.Dealer({ linger: 0 });
      sock.connect(`tcp://${k.info.ip}:${k.info.shell_port}`);
      const header = newHeader("execute_request", "forger");
      await sock.send(
        encode(
          { header, parent_header: {}, metadata: {}, content: { code, silent: false } },
          signer,
        ),
      );
      const reply = await Promise.race([
        sock.receive().then(() => "reply"),
        sleep(800).then(() => "none"),
      ]);
      sock.close();
      return reply;
    };
    assert.equal(await forge(new Signer("not-the-key"), "globalThis.forgedA = 1"), "none");
    assert.equal(await forge(new Signer(""), "globalThis.forgedB = 1"), "none");
    const r = await k.client.execute(
      "typeof (globalThis as any).forgedA + ' ' + typeof (globalThis as any).forgedB",
    );
    assert.equal(resultText(r.outputs), "'undefined undefined'");
    assert.match(k.stderr(), /invalid HMAC signature/);
  });

  it("survives malformed frames and keeps serving", async () => {
    const sock = new zmq.Dealer({ linger: 0 });
    sock.connect(`tcp://${k.info.ip}:${k.info.shell_port}`);
    const signer = new Signer(k.info.key);
    const badJson = [
      Buffer.from("{not json"),
      Buffer.from("{}"),
      Buffer.from("{}"),
      Buffer.from("{}"),
    ];
    const garbage: Buffer[][] = [
      [Buffer.from("random bytes")],
      [Buffer.from("<IDS|MSG>"), Buffer.from("sig")],
      [Buffer.from("<IDS|MSG>"), Buffer.from(signer.sign(badJson)), ...badJson],
      [Buffer.alloc(100_000, 7)],
    ];
    for (const frames of garbage) await sock.send(frames);
    const unknown = encode(
      {
        header: newHeader("frobnicate_request", "x"),
        parent_header: {},
        metadata: {},
        content: {},
      },
      signer,
    );
    await sock.send(unknown);
    sock.close();
    await sleep(200);
    assert.ok(k.client.alive);
    assert.equal(resultText((await k.client.execute("'served'")).outputs), "'served'");
    assert.equal(await heartbeat(k.info, "after-garbage"), "after-garbage");
  });

  it("comms: a target registered in a cell answers comm_open and comm_msg", async () => {
    const setup = await k.client.execute(
      "display.displayChannel()!.registerCommTarget('echo', (comm, data) => {\n" +
        "  comm.send({ opened: data });\n" +
        "  comm.onMessage((d) => comm.send({ echo: d }));\n" +
        "});",
    );
    assert.equal(setup.status, "ok", JSON.stringify(setup.error));
    const seen: Record<string, unknown>[] = [];
    const listener = (m: { header: { msg_type: string }; content: Record<string, unknown> }) => {
      if (m.header.msg_type === "comm_msg") seen.push(m.content.data as Record<string, unknown>);
    };
    k.client.on("iopub", listener);
    const commId = "comm-test-1";
    const send = (type: string, content: object) =>
      k.client.request(type, content).catch(() => undefined);
    void send("comm_open", { comm_id: commId, target_name: "echo", data: { hello: 1 } });
    await sleep(300);
    void send("comm_msg", { comm_id: commId, data: { ping: 2 } });
    await sleep(300);
    const info = await k.client.request("comm_info_request", { target_name: "echo" });
    k.client.off("iopub", listener);
    assert.deepEqual(seen, [{ opened: { hello: 1 } }, { echo: { ping: 2 } }]);
    assert.deepEqual(info.content.comms, { [commId]: { target_name: "echo" } });
  });

  it("user_expressions are evaluated after the cell", async () => {
    const r = await k.client.request("execute_request", {
      code: "const ue = 20",
      silent: false,
      store_history: true,
      user_expressions: { doubled: "ue * 2" },
      allow_stdin: false,
      stop_on_error: false,
    });
    const ue = (
      r.content.user_expressions as Record<string, { status: string; data: Record<string, string> }>
    ).doubled;
    assert.equal(ue?.status, "ok");
    assert.equal(ue?.data["text/plain"], "40");
  });

  it("streams stdout and stderr separately", async () => {
    const r = await k.client.execute("console.log('out', 1); console.error('err', 2)");
    assert.equal(streamText(r.outputs, "stdout"), "out 1\n");
    assert.equal(streamText(r.outputs, "stderr"), "err 2\n");
  });
});

describe("kernel lifecycle", { timeout: 180000 }, () => {
  it("shutdown and restart replies", async () => {
    const k = await startTestKernel();
    try {
      const exited = new Promise<number | null>((r) =>
        k.client.once("exit", (code: number | null) => r(code)),
      );
      const reply = await k.client.request("shutdown_request", { restart: true }, "control");
      assert.equal(reply.content.status, "ok");
      assert.equal(reply.content.restart, true);
      assert.equal(await exited, 0);
    } finally {
      await k.client.shutdown();
    }
  });

  it("restart gives a fresh kernel", async () => {
    const k = await startTestKernel();
    try {
      await k.client.execute("const kept = 1");
      const pid = k.client.pid;
      await k.client.restart();
      assert.notEqual(k.client.pid, pid);
      const r = await k.client.execute("typeof (globalThis as any).kept");
      assert.equal(resultText(r.outputs), "'undefined'");
    } finally {
      await k.client.shutdown();
    }
  });
});
