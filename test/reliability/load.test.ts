/**
 * The kernel under load (issue 15): 1,000 execute requests back to back
 * watched by 10 iopub subscribers, heartbeat latency during a long cell, and
 * a 10,000-step training loop run as a cell, with memory measured.
 * (The library's own 10,000-step heap test, outside the kernel, is
 * test/tensor/memory.test.ts; GPU buffer reuse is test/tensor/backends/webgpu/training.test.ts.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import * as zmq from "zeromq";
import { webgpuReport } from "../../tensor/backends/webgpu/device.js";
import { decode, type Message, Signer } from "../../kernel/wire.js";
import {
  heartbeat,
  resultText,
  sleep,
  startTestKernel,
  streamText,
  type TestKernel,
} from "../kernel/harness.js";

/** Resident set size of process `pid` in bytes (VmRSS). */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1]) * 1024;
}

const MB = 1024 * 1024;

/** The kernel's heapUsed after full collections (the kernel runs with --expose-gc). */
async function heapAfterGc(k: TestKernel): Promise<number> {
  const r = await k.client.execute(
    "const gcNow = (globalThis as unknown as { gc: () => void }).gc; gcNow(); await new Promise((r) => setImmediate(r)); gcNow(); console.log(process.memoryUsage().heapUsed)",
  );
  return Number(streamText(r.outputs, "stdout").trim());
}

describe("1,000 executes watched by 10 iopub clients", { timeout: 240000 }, () => {
  let k: TestKernel;
  const subscribers: { sock: zmq.Subscriber; seen: Message[]; done: Promise<void> }[] = [];
  before(async () => {
    k = await startTestKernel({ nodeOptions: ["--expose-gc"] });
    const signer = new Signer(k.info.key);
    for (let i = 0; i < 10; i++) {
      const sock = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
      sock.connect(`tcp://${k.info.ip}:${k.info.iopub_port}`);
      sock.subscribe();
      const seen: Message[] = [];
      const done = (async () => {
        for await (const frames of sock) seen.push(decode(frames, signer));
      })().catch(() => undefined);
      subscribers.push({ sock, seen, done });
    }
    // ZeroMQ's slow joiner: wait until every subscriber receives messages.
    for (let i = 0; i < 100 && subscribers.some((s) => s.seen.length === 0); i++) {
      await k.client.kernelInfo();
      await sleep(50);
    }
    assert.ok(
      subscribers.every((s) => s.seen.length > 0),
      "every subscriber is connected",
    );
  });
  after(async () => {
    for (const s of subscribers) s.sock.close();
    await k.client.shutdown();
  });

  it("keeps busy/idle bracketing, execution counts and results in order, with bounded memory", async () => {
    for (let i = 0; i < 50; i++) await k.client.execute(`const warm${i % 5} = ${i}; warm${i % 5}`);
    const heapBefore = await heapAfterGc(k);
    const base = (await k.client.execute("0")).executionCount as number;
    const rssBefore = rss(k.client.pid);
    const n = 1000;
    const t0 = performance.now();
    const batch = (from: number) =>
      Promise.all(
        Array.from({ length: n / 2 }, (_, i) => k.client.execute(`const v = ${from + i}; v * 3`)),
      );
    const results = await batch(0);
    const rssHalf = rss(k.client.pid);
    results.push(...(await batch(n / 2)));
    const seconds = (performance.now() - t0) / 1000;
    const rssAfter = rss(k.client.pid);
    const heapGrowth = (await heapAfterGc(k)) - heapBefore;
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, "ok", `request ${i}: ${JSON.stringify(r.error)}`);
      assert.equal(r.executionCount, base + 1 + i);
      assert.equal(resultText(r.outputs), String(i * 3));
    }
    for (const [s, sub] of subscribers.entries()) {
      const msgs = sub.seen.filter(
        (m) =>
          m.parent_header.msg_type === "execute_request" &&
          /^const v = \d+; v \* 3$/.test(
            String(
              sub.seen.find(
                (x) =>
                  x.header.msg_type === "execute_input" &&
                  x.parent_header.msg_id === m.parent_header.msg_id,
              )?.content.code ?? "",
            ),
          ),
      );
      assert.equal(msgs.length, 4 * n, `subscriber ${s} saw ${msgs.length} of ${4 * n} messages`);
      for (let i = 0; i < n; i++) {
        const [busy, input, result, idle] = msgs.slice(4 * i, 4 * i + 4) as Message[];
        const id = busy.parent_header.msg_id;
        for (const m of [input, result, idle])
          assert.equal(m.parent_header.msg_id, id, `subscriber ${s}, request ${i}: interleaved`);
        assert.deepEqual(
          [busy, input, result, idle].map((m) => m.header.msg_type),
          ["status", "execute_input", "execute_result", "status"],
        );
        assert.equal(busy.content.execution_state, "busy");
        assert.equal(idle.content.execution_state, "idle");
        assert.equal(input.content.execution_count, base + 1 + i);
        assert.equal(result.content.execution_count, base + 1 + i);
        assert.equal(input.content.code, `const v = ${i}; v * 3`);
      }
    }
    console.log(
      `1,000 executes in ${seconds.toFixed(1)} s; kernel heap after GC +${(heapGrowth / MB).toFixed(1)} MB; ` +
        `RSS ${(rssBefore / MB).toFixed(0)} MB, +${((rssHalf - rssBefore) / MB).toFixed(0)} MB after 500 cells, +${((rssAfter - rssHalf) / MB).toFixed(0)} MB after the next 500`,
    );
    // Every cell stays in the history, the type checker's program and the
    // traceback source maps (about 10 KB each, measured): 1,000 cells cost
    // about 10 MB of heap. 32 KB per cell would mean something leaks.
    assert.ok(
      heapGrowth < 32 * MB,
      `kernel heap grew by ${(heapGrowth / MB).toFixed(0)} MB over 1,000 cells`,
    );
    // RSS rises while V8 and the type checker size their heaps, then levels off.
    assert.ok(
      rssAfter - rssHalf < 192 * MB,
      `kernel RSS still grew by ${((rssAfter - rssHalf) / MB).toFixed(0)} MB over the second 500 cells`,
    );
  });

  it("answers the heartbeat within 500 ms while a 3 s synchronous cell runs", async () => {
    const running = k.client.execute(
      "const t0 = Date.now(); while (Date.now() - t0 < 3000) {} 'done'",
    );
    await sleep(200);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      assert.equal(await heartbeat(k.info, `beat-${i}`, 2000), `beat-${i}`);
      latencies.push(performance.now() - t);
      await sleep(200);
    }
    assert.equal(resultText((await running).outputs), "'done'");
    console.log(`heartbeat during a busy cell: max ${Math.max(...latencies).toFixed(1)} ms`);
    assert.ok(
      Math.max(...latencies) < 500,
      `heartbeat latencies ${latencies.map((l) => l.toFixed(0))}`,
    );
  });
});

/** A training cell of `steps` steps on `device`; returns heap/RSS samples (after full GC) as JSON. */
function trainingCell(steps: number, device: string): string {
  return `
const gc = (globalThis as unknown as { gc: () => void }).gc;
lt.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 1)).to("${device}");
const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
const x = lt.randn([32, 4]).to("${device}");
const y = x.sum(1, { keepdim: true });
const heap: number[] = [];
const losses: number[] = [];
const gpu: number[] = [];
for (let step = 1; step <= ${steps}; step++) {
  opt.zeroGrad();
  const loss = F.mseLoss(model(x), y);
  loss.backward();
  opt.step();
  if (step % ${steps / 5} === 0) {
    losses.push(Number(await loss.item()));
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    heap.push(process.memoryUsage().heapUsed);
    gpu.push(lt.webgpuMemoryStats().inUseBytes);
  }
}
console.log(JSON.stringify({ heap, losses, gpu }));`;
}

function parseSamples(stdout: string): { heap: number[]; losses: number[]; gpu: number[] } {
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

const gpu = await webgpuReport();

describe("a training loop run as a cell", { timeout: 240000 }, () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel({ nodeOptions: ["--expose-gc"] });
  });
  after(async () => {
    await k.client.shutdown();
  });

  it("10,000 CPU steps keep the kernel's heap flat", async () => {
    const t0 = performance.now();
    const r = await k.client.execute(trainingCell(10_000, "cpu"), { timeoutMs: 180_000 });
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    const { heap, losses } = parseSamples(streamText(r.outputs, "stdout"));
    const growth = (heap[4] as number) - (heap[0] as number);
    console.log(
      `10,000 CPU steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; heap after 2,000 steps ${((heap[0] as number) / MB).toFixed(1)} MB, growth to 10,000: ${(growth / 1024).toFixed(0)} KB`,
    );
    assert.ok((losses[4] as number) < (losses[0] as number), `the loop trains: ${losses}`);
    // A leaked graph per step (a few KB) over 8,000 steps would be tens of MB.
    assert.ok(
      growth < 2 * MB,
      `heap grew by ${(growth / 1024).toFixed(0)} KB from step 2,000 to 10,000`,
    );
  });

  it("WebGPU steps keep the heap and GPU memory flat", {
    skip: gpu.available ? false : (gpu.reason ?? "no WebGPU adapter"),
  }, async () => {
    // lavapipe runs a step in milliseconds, so a few hundred steps fit the CI budget.
    const steps = 500;
    const t0 = performance.now();
    const r = await k.client.execute(trainingCell(steps, "webgpu"), { timeoutMs: 180_000 });
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    const { heap, gpu: inUse } = parseSamples(streamText(r.outputs, "stdout"));
    const growth = (heap[4] as number) - (heap[0] as number);
    console.log(
      `${steps} WebGPU steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; heap growth ${(growth / 1024).toFixed(0)} KB; GPU bytes in use ${inUse}`,
    );
    assert.ok(growth < 2 * MB, `heap grew by ${(growth / 1024).toFixed(0)} KB`);
    assert.ok((inUse[4] as number) <= (inUse[0] as number), `GPU bytes in use grew: ${inUse}`);
  });
});
