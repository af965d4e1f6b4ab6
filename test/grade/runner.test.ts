import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Output } from "../../grade/notebook.js";
import {
  capOutputs,
  type GradingKernel,
  MAX_OUTPUTS,
  MAX_TEXT,
  runNotebook,
} from "../../grade/runner.js";
import { code, markdown, notebook } from "./build.js";

type Status = "ok" | "error" | "timeout" | "died";

/** A scripted kernel: each source maps to the status its execution reports. */
function fakeKernel(script: Record<string, Status>, clock: { t: number }, cost = 1000) {
  const ran: string[] = [];
  let restarts = 0;
  let alive = true;
  const kernel: GradingKernel = {
    get alive() {
      return alive;
    },
    async execute(source, options) {
      ran.push(source);
      clock.t += Math.min(cost, options.timeoutMs);
      const status = script[source] ?? "ok";
      if (status === "died") alive = false;
      const outputs: Output[] =
        status === "error"
          ? [{ output_type: "error", ename: "Error", evalue: "boom", traceback: [] }]
          : [];
      return { status, executionCount: ran.length, outputs };
    },
    async restart() {
      restarts++;
      alive = true;
    },
  };
  return { kernel, ran, restarts: () => restarts };
}

describe("grade runner", () => {
  const limits = { cellTimeoutMs: 5000, notebookTimeoutMs: 60_000 };

  it("runs every code cell in order and goes on after errors, timeouts and crashes", async () => {
    const clock = { t: 0 };
    const nb = notebook([
      code("a", "a"),
      markdown("m", "text"),
      code("b", "b"),
      code("c", "c"),
      code("d", "d"),
    ]);
    const fake = fakeKernel({ b: "error", c: "timeout", d: "died" }, clock);
    const saved: string[] = [];
    const progress = await runNotebook(
      fake.kernel,
      nb,
      limits,
      (p) => saved.push(p.running ?? "-"),
      () => clock.t,
    );
    assert.deepEqual(fake.ran, ["a", "b", "c", "d"]);
    assert.deepEqual(progress.executions, { a: "ok", b: "error", c: "timeout", d: "crashed" });
    assert.equal(fake.restarts(), 1);
    assert.deepEqual(saved, ["a", "b", "c", "d", "-"]);
    assert.equal(nb.cells[3]!.outputs![0]!.ename, "TimeoutError");
    assert.equal(nb.cells[4]!.outputs![0]!.ename, "KernelDied");
    assert.equal(progress.issues.length, 2);
  });

  it("stops at the notebook's time limit and marks the rest not run", async () => {
    const clock = { t: 0 };
    const nb = notebook([code("a", "a"), code("b", "b"), code("c", "c")]);
    const fake = fakeKernel({}, clock, 5000);
    const progress = await runNotebook(
      fake.kernel,
      nb,
      { cellTimeoutMs: 5000, notebookTimeoutMs: 8000 },
      () => {},
      () => clock.t,
    );
    assert.deepEqual(fake.ran, ["a", "b"]);
    assert.deepEqual(progress.executions, { a: "ok", b: "ok", c: "not-run" });
    assert.match(nb.cells[2]!.outputs![0]!.evalue!, /8 s time limit/);
  });

  it("gives a cell at most the time left in the notebook", async () => {
    const clock = { t: 0 };
    const timeouts: number[] = [];
    const kernel: GradingKernel = {
      alive: true,
      async execute(_source, options) {
        timeouts.push(options.timeoutMs);
        clock.t += 3000;
        return { status: "ok", executionCount: 1, outputs: [] };
      },
      async restart() {},
    };
    await runNotebook(
      kernel,
      notebook([code("a", "a"), code("b", "b")]),
      { cellTimeoutMs: 5000, notebookTimeoutMs: 7000 },
      () => {},
      () => clock.t,
    );
    assert.deepEqual(timeouts, [5000, 4000]);
  });
});

describe("grade runner output caps", () => {
  it("cuts floods of output and keeps what scoring needs", () => {
    const outputs: Output[] = [
      { output_type: "stream", name: "stdout", text: "x".repeat(MAX_TEXT + 5) },
      {
        output_type: "display_data",
        data: { "image/png": "A".repeat(MAX_TEXT + 1), "text/plain": "<img>" },
        metadata: {},
      },
      { output_type: "error", ename: "AssertionError", evalue: "got 3", traceback: ["a", "b"] },
      ...Array.from(
        { length: MAX_OUTPUTS },
        (): Output => ({ output_type: "stream", name: "stdout", text: "." }),
      ),
    ];
    const capped = capOutputs(outputs);
    assert.equal(capped.length, MAX_OUTPUTS + 1);
    assert.match(capped[0]!.text as string, /\n… \[5 more characters cut by the grader\]$/);
    assert.deepEqual(capped[1]!.data, { "text/plain": "<img>" });
    assert.deepEqual(capped[2], outputs[2]);
    assert.equal(capped.at(-1)!.text, "[3 more outputs cut by the grader]\n");
  });
});
