/**
 * Faults (issue 15): interrupts in every phase of a cell, out-of-memory in a
 * cell, a killed kernel, a save killed mid-write and a killed `lectern run`.
 * The plain sync/async interrupt cases are also in test/kernel/execute.test.ts;
 * here every phase runs against one kernel whose earlier state must survive.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ExecuteResult } from "../../kernel/client.js";
import { runNotebook } from "../../kernel/notebook.js";
import { webgpuReport } from "../../tensor/backends/webgpu/device.js";
import {
  resultText,
  sleep,
  startTestKernel,
  streamText,
  type TestKernel,
} from "../kernel/harness.js";

const gpu = await webgpuReport();
const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "dist", "cli", "bin.js");

/** True while process `pid` exists (signal 0 probes without sending anything). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("interrupts and out-of-memory leave the kernel and its state usable", {
  timeout: 240000,
}, () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel();
    const r = await k.client.execute("const kept = lt.tensor([1, 2, 3]); let counter = 41;");
    assert.equal(r.status, "ok");
  });
  after(async () => {
    await k.client.shutdown();
  });

  async function stateSurvives(): Promise<void> {
    const r = await k.client.execute('counter += 1; kept.sum().itemSync() + " " + counter', {
      timeoutMs: 30_000,
    });
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    assert.match(resultText(r.outputs) ?? "", /^'6 \d+'$/);
  }

  /** Starts `code`, interrupts it once it has been running `afterMs`, and returns its result. */
  async function interruptAfter(code: string, afterMs: number): Promise<ExecuteResult> {
    const result = k.client.execute(code, { timeoutMs: 60_000 });
    await sleep(afterMs);
    const t0 = performance.now();
    await k.client.interrupt();
    const r = await result;
    const stopMs = performance.now() - t0;
    assert.ok(stopMs < 10_000, `the cell took ${stopMs.toFixed(0)} ms to stop`);
    return r;
  }

  const phases: [string, string, boolean][] = [
    ["a synchronous loop", "let spins = 0; while (true) { spins++; }", false],
    [
      "an async loop on timers",
      "while (true) { await new Promise((r) => setTimeout(r, 1)); }",
      false,
    ],
    [
      "an async loop of tensor ops",
      "let w = lt.randn([64, 64]); while (true) { w = w.matmul(w).tanh(); await Promise.resolve(); }",
      false,
    ],
    [
      "a WebGPU read-back loop",
      'const g = lt.randn([128, 128]).to("webgpu"); while (true) { await g.matmul(g).relu().data(); }',
      true,
    ],
  ];
  for (const [phase, code, needsGpu] of phases) {
    it(`interrupts ${phase}`, {
      skip: needsGpu && !gpu.available ? (gpu.reason ?? "no WebGPU") : false,
    }, async () => {
      const r = await interruptAfter(code, 700);
      assert.equal(r.status, "error");
      assert.equal(r.error?.ename, "KeyboardInterrupt");
      await stateSurvives();
    });
  }

  it("interrupts during the type check of a large cell", async () => {
    // 3,000 declarations take the checker a second or more; the interrupt
    // arrives while it runs and the cell's code must not run afterwards.
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `const big${i}: { a: number; b: string } = { a: ${i}, b: "${i}" };`,
    );
    const code = `${lines.join("\n")}\n(globalThis as unknown as { ranBig: boolean }).ranBig = true;`;
    const r = await interruptAfter(code, 150);
    const ran = await k.client.execute(
      "String((globalThis as unknown as { ranBig?: boolean }).ranBig)",
    );
    if (r.status === "error") {
      assert.equal(r.error?.ename, "KeyboardInterrupt");
      assert.equal(resultText(ran.outputs), "'undefined'", "an interrupted cell ran anyway");
    } else {
      // The checker finished before the interrupt landed: the cell ran whole.
      assert.equal(r.status, "ok");
      assert.equal(resultText(ran.outputs), "'true'");
    }
    await stateSurvives();
  });

  it("a huge allocation fails with a clear error and the kernel stays alive", async () => {
    const typed = await k.client.execute("new Float64Array(2 ** 40)");
    assert.equal(typed.status, "error");
    assert.equal(typed.error?.ename, "RangeError");
    const tensor = await k.client.execute("lt.zeros([1_000_000, 1_000_000])");
    assert.equal(tensor.status, "error");
    assert.match(
      `${tensor.error?.ename}: ${tensor.error?.evalue}`,
      /zeros|size|memory|allocat|length/i,
    );
    assert.ok(k.client.alive);
    await stateSurvives();
  });
});

describe("a kernel that dies", { timeout: 240000 }, () => {
  it("keeps the output printed before it was killed, reports it, and restarts without the old state", async () => {
    const k = await startTestKernel();
    try {
      await k.client.execute("const before = 1;");
      const printed = new Promise<void>((resolve) => {
        k.client.on("iopub", (m) => {
          if (m.header.msg_type === "stream") resolve();
        });
      });
      const cell = k.client.execute(
        'console.log("last words"); await new Promise((r) => setTimeout(r, 60_000));',
      );
      await printed;
      const oldPid = k.client.pid;
      process.kill(oldPid, "SIGKILL");
      const r = await cell;
      assert.equal(r.status, "died");
      assert.equal(streamText(r.outputs, "stdout"), "last words\n");
      assert.equal(k.client.alive, false);
      await k.client.restart();
      assert.notEqual(k.client.pid, oldPid);
      const after = await k.client.execute(
        "typeof (globalThis as unknown as { before?: number }).before",
      );
      assert.equal(resultText(after.outputs), "'undefined'");
    } finally {
      await k.client.shutdown();
    }
  });

  it("exhausting the V8 heap ends the process; the client reports it and a restart serves again", async () => {
    // Not one huge allocation (that is a catchable RangeError, above) but
    // millions of small objects: V8 aborts the process, nothing in-process
    // can catch it (docs/SECURITY.md says so).
    const k = await startTestKernel({
      nodeOptions: ["--max-old-space-size=160"],
      env: { ...process.env, LECTERN_TYPECHECK: "off" },
    });
    try {
      const r = await k.client.execute(
        'console.log("filling"); const hoard = []; while (true) hoard.push({ a: Math.random(), b: [1, 2, 3] });',
        { timeoutMs: 120_000 },
      );
      assert.equal(r.status, "died");
      assert.equal(streamText(r.outputs, "stdout"), "filling\n");
      assert.match(k.stderr(), /heap out of memory|Allocation failed/i);
      await k.client.restart();
      assert.equal(resultText((await k.client.execute("'back'")).outputs), "'back'");
    } finally {
      await k.client.shutdown();
    }
  });

  it("lectern's notebook runner marks the cell, restarts, and the next cells see the state was lost", async () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        "(globalThis as unknown as { saved: number }).saved = 7;",
        // A print sent a microsecond before SIGKILL may still be in the
        // wire thread; one that had 200 ms to leave must reach the notebook.
        'console.log("going"); await new Promise((r) => setTimeout(r, 200)); process.kill(process.pid, "SIGKILL");',
        "String((globalThis as unknown as { saved?: number }).saved)",
      ].map((source, i) => ({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source,
        outputs: [],
        execution_count: null,
      })),
    };
    const report = await runNotebook(nb as never, { allowErrors: true, timeoutMs: 60_000 });
    const [, died, afterDeath] = report.notebook.cells as {
      outputs: {
        output_type: string;
        ename?: string;
        evalue?: string;
        text?: string;
        data?: Record<string, unknown>;
      }[];
    }[];
    assert.equal(streamText(died?.outputs ?? [], "stdout"), "going\n");
    const death = died?.outputs.find((o) => o.output_type === "error");
    assert.equal(death?.ename, "KernelDied", JSON.stringify(died?.outputs));
    assert.match(death?.evalue ?? "", /restarted and the state of earlier cells is lost/);
    assert.equal(resultText(afterDeath?.outputs ?? []), "'undefined'");
    assert.equal(report.failedCell, 1);
  });
});

describe("killed writers leave files intact", { timeout: 240000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lectern-faults-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("lt.save killed mid-write leaves the previous checkpoint loadable", async () => {
    const path = join(dir, "model.safetensors");
    const script = join(dir, "saver.mjs");
    // Each round saves 16 MB whose every value is the round number, so a
    // torn file would show mixed values or fail to parse.
    writeFileSync(
      script,
      `import * as lt from ${JSON.stringify(pathToFileURL(join(root, "dist", "index.js")).href)};
const path = process.argv[2];
for (let round = 1; ; round++) {
  await lt.save({ w: lt.full([4 * 1024 * 1024], round), round: lt.tensor([round]) }, path);
  console.log(round);
}`,
    );
    const lt = await import("../../index.js");
    for (let attempt = 0; attempt < 5; attempt++) {
      const child = spawn(process.execPath, [script, path], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let saved = 0;
      child.stdout.on("data", (d: Buffer) => {
        saved = Number(d.toString().trim().split("\n").pop());
      });
      // Kill at a different moment each time: after 1 to 3 completed saves, plus a jitter.
      const target = 1 + (attempt % 3);
      for (let i = 0; i < 600 && saved < target; i++) await sleep(50);
      await sleep(attempt * 37);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      assert.ok(saved >= target, "the saver made progress before it was killed");
      const state = await lt.load(path);
      const round = Number((state.round as InstanceType<typeof lt.Tensor>).itemSync());
      assert.ok(
        round >= saved,
        `the file holds round ${round}, older than the last finished save ${saved}`,
      );
      const w = (state.w as InstanceType<typeof lt.Tensor>).dataSync();
      assert.equal(w.length, 4 * 1024 * 1024);
      assert.ok(
        w.every((v) => v === round),
        "the checkpoint mixes two saves",
      );
    }
    const leftovers = readdirSync(dir).filter((f) => f.endsWith(".tmp"));
    console.log(`temporary files left by killed saves: ${leftovers.length}`);
  });

  it("lectern run killed mid-notebook leaves the input untouched and its kernel does not outlive it", async () => {
    const input = join(dir, "slow.ipynb");
    const pidFile = join(dir, "kernel.pid");
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "a",
          metadata: {},
          outputs: [],
          execution_count: null,
          source: "const answer = 42;",
        },
        {
          cell_type: "code",
          id: "b",
          metadata: {},
          outputs: [],
          execution_count: null,
          source: `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nawait new Promise((r) => setTimeout(r, 120_000));`,
        },
      ],
    };
    const original = `${JSON.stringify(nb, null, 1)}\n`;
    writeFileSync(input, original);
    const child = spawn(process.execPath, [bin, "run", input], { stdio: "ignore" });
    for (let i = 0; i < 1200 && !existsSync(pidFile); i++) await sleep(50);
    assert.ok(existsSync(pidFile), "the notebook reached its second cell");
    const kernelPid = Number(readFileSync(pidFile, "utf8"));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    assert.equal(readFileSync(input, "utf8"), original);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes("lectern-tmp")),
      [],
    );
    // A kernel whose client is gone must not run on forever.
    for (let i = 0; i < 100 && running(kernelPid); i++) await sleep(100);
    const orphaned = running(kernelPid);
    if (orphaned) process.kill(kernelPid, "SIGKILL");
    assert.equal(orphaned, false, "the kernel outlived the killed `lectern run` by 10 s");
  });
});
