/**
 * @jupyterlab/services (what JupyterLab's front end uses) against a real
 * Jupyter server started on a free loopback port, with the lectern kernelspec.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { KernelManager, ServerConnection, SessionManager } from "@jupyterlab/services";
import WebSocket from "ws";
import { missingPython, tempKernelspec } from "./support.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function waitForServer(url: string, token: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(`${url}api/status?token=${token}`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the Jupyter server at ${url} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("@jupyterlab/services against a Jupyter server", () => {
  const missing = missingPython(["notebook", "jupyter_client"]);
  let server: ChildProcess | undefined;
  let root = "";
  let settings: ServerConnection.ISettings;
  let log = "";

  before(async () => {
    if (missing) return;
    const spec = tempKernelspec();
    root = spec.root;
    const port = await freePort();
    const token = randomBytes(16).toString("hex");
    server = spawn(
      "jupyter",
      [
        "notebook",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${root}`,
        "--NotebookApp.port_retries=0",
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          JUPYTER_PATH: spec.jupyterPath,
          JUPYTER_RUNTIME_DIR: `${root}/runtime`,
          JUPYTER_CONFIG_DIR: `${root}/config`,
        },
      },
    );
    server.stderr?.on("data", (d) => {
      log += d;
    });
    const baseUrl = `http://127.0.0.1:${port}/`;
    await waitForServer(baseUrl, token, Date.now() + 30_000);
    settings = ServerConnection.makeSettings({
      baseUrl,
      wsUrl: `ws://127.0.0.1:${port}/`,
      token,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      fetch,
      Request,
      Headers,
    });
  });

  after(async () => {
    server?.kill("SIGTERM");
    if (server && server.exitCode === null) await new Promise((r) => server?.once("exit", r));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("starts a lectern kernel, executes, interrupts and restarts it", {
    skip: missing,
    timeout: 90_000,
  }, async () => {
    const manager = new KernelManager({ serverSettings: settings });
    const kernel = await manager.startNew({ name: "lectern" });
    try {
      const info = await kernel.info;
      assert.equal(info.language_info.name, "typescript");

      const outputs: { type: string; content: Record<string, unknown> }[] = [];
      const future = kernel.requestExecute({
        code: "console.log('from lab');\nconst n: number = 20;\nn + 22",
      });
      future.onIOPub = (msg) => {
        outputs.push({
          type: msg.header.msg_type,
          content: msg.content as Record<string, unknown>,
        });
      };
      const reply = await future.done;
      assert.equal(reply.content.status, "ok");
      assert.ok(
        outputs.some((o) => o.type === "stream" && o.content.text === "from lab\n"),
        log,
      );
      const result = outputs.find((o) => o.type === "execute_result");
      assert.equal(
        (result?.content.data as Record<string, unknown> | undefined)?.["text/plain"],
        "42",
      );

      const loop = kernel.requestExecute({ code: "while (true) {}" });
      await new Promise((r) => setTimeout(r, 500));
      await kernel.interrupt();
      const interrupted = await loop.done;
      assert.equal(interrupted.content.status, "error");
      const after = kernel.requestExecute({ code: "n" });
      let value: unknown;
      after.onIOPub = (msg) => {
        if (msg.header.msg_type === "execute_result")
          value = (msg.content as { data: Record<string, unknown> }).data["text/plain"];
      };
      await after.done;
      assert.equal(value, "20", "state survives the interrupt");

      await kernel.restart();
      const fresh = kernel.requestExecute({ code: "typeof (globalThis as any).n" });
      let freshValue: unknown;
      fresh.onIOPub = (msg) => {
        if (msg.header.msg_type === "execute_result")
          freshValue = (msg.content as { data: Record<string, unknown> }).data["text/plain"];
      };
      await fresh.done;
      assert.equal(freshValue, "'undefined'");
    } finally {
      // Dispose even when shutdown fails: a live connection keeps reconnecting
      // and would hold the test process open.
      try {
        await kernel.shutdown();
      } finally {
        kernel.dispose();
        manager.dispose();
      }
    }
  });

  it("opens a session for a notebook path", { skip: missing, timeout: 60_000 }, async () => {
    const kernels = new KernelManager({ serverSettings: settings });
    const sessions = new SessionManager({ kernelManager: kernels, serverSettings: settings });
    const session = await sessions.startNew({
      path: "lesson.ipynb",
      type: "notebook",
      name: "lesson.ipynb",
      kernel: { name: "lectern" },
    });
    try {
      const k = session.kernel;
      assert.ok(k);
      const reply = await k.requestExecute({ code: "'session ok'" }).done;
      assert.equal(reply.content.status, "ok");
      const complete = await k.requestComplete({ code: "Math.ab", cursor_pos: 7 });
      assert.deepEqual((complete.content as { matches: string[] }).matches, ["abs"]);
    } finally {
      try {
        await session.shutdown();
      } finally {
        session.dispose();
        sessions.dispose();
        kernels.dispose();
      }
    }
  });
});
