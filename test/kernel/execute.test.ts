/** Cell semantics: redeclaration, type checking, tracebacks, interrupts, crashes, display, imports. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  heartbeat,
  resultText,
  sleep,
  startTestKernel,
  streamText,
  type TestKernel,
} from "./harness.js";

describe("a loop that cannot be interrupted", { timeout: 180000 }, () => {
  it("is reported to the user instead of leaving a silent busy kernel", {
    timeout: 60_000,
  }, async () => {
    const k = await startTestKernel();
    try {
      await k.client.execute("1");
      const texts: string[] = [];
      k.client.on(
        "iopub",
        (m: { header: { msg_type: string }; content: Record<string, unknown> }) => {
          if (m.header.msg_type === "stream") texts.push(String(m.content.text));
        },
      );
      void k.client.execute("await null;\nwhile (true) {}");
      await sleep(500);
      await k.client.interrupt();
      await sleep(4000);
      assert.match(texts.join(""), /did not stop.*Restart the kernel/s);
      assert.equal(await heartbeat(k.info, "alive"), "alive");
    } finally {
      await k.client.shutdown();
    }
  });
});

describe("kernel execution", { timeout: 180000 }, () => {
  let k: TestKernel;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lectern-exec-"));
    writeFileSync(
      join(dir, "helper.ts"),
      "export function twice(x: number): number {\n  return 2 * x;\n}\n",
    );
    mkdirSync(join(dir, "node_modules", "tiny-pkg"), { recursive: true });
    writeFileSync(
      join(dir, "node_modules", "tiny-pkg", "package.json"),
      JSON.stringify({
        name: "tiny-pkg",
        version: "1.0.0",
        type: "module",
        exports: { ".": { import: "./index.js" } },
        types: "./index.d.ts",
      }),
    );
    writeFileSync(join(dir, "node_modules", "tiny-pkg", "index.js"), "export const answer = 42;\n");
    writeFileSync(
      join(dir, "node_modules", "tiny-pkg", "index.d.ts"),
      "export declare const answer: number;\n",
    );
    k = await startTestKernel({ cwd: dir });
  });
  after(async () => {
    await k.client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (code: string) => k.client.execute(code);

  it("keeps state across cells and redeclares const, let, class and function", async () => {
    assert.equal(
      (await run("const a = 1;\nlet b = 2;\nclass C { v = 1 }\nfunction f() { return 'f1' }"))
        .status,
      "ok",
    );
    assert.equal(resultText((await run("a + b + new C().v")).outputs), "4");
    const again = await run(
      "const a = 'text';\nlet b = 'more';\nclass C { w = 'w' }\nfunction f() { return 'f2' }\na.length + b.length + new C().w + f()",
    );
    assert.equal(again.status, "ok", JSON.stringify(again.error));
    assert.equal(resultText(again.outputs), "'8wf2'");
    assert.equal((await run("const a = 'text'")).status, "ok", "re-running the same cell works");
  });

  it("lets later cells assign to let variables", async () => {
    await run("let counter = 0");
    await run("counter += 5");
    assert.equal(resultText((await run("counter")).outputs), "5");
  });

  it("supports destructuring declarations", async () => {
    await run("const { p, q: [r] } = { p: 1, q: [2] }");
    assert.equal(resultText((await run("p + r")).outputs), "3");
  });

  it("shows type errors with cell line and column and does not run the cell", async () => {
    const r = await run("let typed = 1;\nconst bad: number = 'str';");
    assert.equal(r.status, "error");
    assert.equal(r.error?.ename, "TypeError");
    const tb = r.error?.traceback.join("\n") ?? "";
    assert.match(
      tb,
      /In \[\d+\]:2:7 - error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    assert.equal(
      resultText((await run("typeof (globalThis as any).typed")).outputs),
      "'undefined'",
    );
  });

  it("type-checks against earlier cells", async () => {
    await run("const shape: number[] = [2, 3]");
    const r = await run("const s: string = shape");
    assert.equal(r.status, "error");
    assert.match(r.error?.evalue ?? "", /number\[\]/);
  });

  it("types the preloaded lectern API from its .d.ts (not any)", async () => {
    const bad = await run("const notATensor: lt.Tensor = 5;");
    assert.equal(bad.status, "error");
    assert.match(bad.error?.evalue ?? "", /Tensor/);
    const ok = await run("const zs: lt.Tensor = lt.zeros([2, 3]);\nzs.shape");
    assert.equal(ok.status, "ok", JSON.stringify(ok.error));
    assert.equal(resultText(ok.outputs), "[ 2, 3 ]");
  });

  it("%typecheck warning runs the cell and prints the error; off skips checks", async () => {
    const w = await run(
      "%typecheck warning\nconst loose: number = 'x' as any as string as any; const w2: number = 'y';\n'ran'",
    );
    assert.equal(w.status, "ok");
    assert.equal(resultText(w.outputs), "'ran'");
    assert.match(streamText(w.outputs, "stderr"), /TS2322/);
    const off = await run("%typecheck off\nconst o: number = 'z'; o");
    assert.equal(off.status, "ok");
    assert.equal(streamText(off.outputs, "stderr"), "");
    assert.equal((await run("%typecheck error")).status, "ok");
    assert.equal((await run("const e2: number = 'z'")).status, "error");
  });

  it("reports syntax errors with their position", async () => {
    const r = await run("const x = (1 + ;");
    assert.equal(r.status, "error");
    assert.equal(r.error?.ename, "SyntaxError");
    assert.match(r.error?.traceback.join("\n") ?? "", /:1:\d+ - error TS1109/);
  });

  it("maps traceback lines back to the TypeScript cell", async () => {
    const code = [
      "interface Point { x: number; y: number }",
      "type Maybe<T> = T | undefined;",
      "function norm(p: Maybe<Point>): number {",
      "  const q = p as Point;",
      "  return (q as any).z.length;",
      "}",
      "norm({ x: 1, y: 2 });",
    ].join("\n");
    const r = await run(code);
    assert.equal(r.status, "error");
    assert.equal(r.error?.ename, "TypeError");
    const tb = r.error?.traceback ?? [];
    assert.ok(
      tb.some((l) => /at norm \(In \[\d+\]:5:\d+\)/.test(l)),
      tb.join("\n"),
    );
    assert.ok(
      tb.some((l) => /In \[\d+\]:7:1/.test(l)),
      tb.join("\n"),
    );
    assert.ok(
      tb.some((l) => l.includes("return (q as any).z.length;")),
      "shows the failing line",
    );
  });

  it("top-level await returns the last expression", async () => {
    const r = await run(
      "const v = await new Promise<number>((res) => setTimeout(() => res(7), 20));\nv * 6",
    );
    assert.equal(resultText(r.outputs), "42");
  });

  it("interrupts while(true){} and keeps state", async () => {
    await run("let survivor = 'alive'");
    const pending = run("while (true) {}");
    await sleep(400);
    await k.client.interrupt();
    const r = await pending;
    assert.equal(r.status, "error");
    assert.equal(r.error?.ename, "KeyboardInterrupt");
    assert.equal(resultText((await run("survivor")).outputs), "'alive'");
  });

  it("SIGINT to the kernel process interrupts too (interrupt_mode signal)", async () => {
    const pending = run("while (true) {}");
    await sleep(400);
    process.kill(k.client.pid, "SIGINT");
    assert.equal((await pending).error?.ename, "KeyboardInterrupt");
    const waiting = run("await new Promise((r) => setTimeout(r, 60_000))");
    await sleep(400);
    process.kill(k.client.pid, "SIGINT");
    assert.equal((await waiting).error?.ename, "KeyboardInterrupt");
    assert.ok(k.client.alive);
  });

  it("interrupts an async loop", async () => {
    const pending = run("let steps = 0;\nwhile (true) { steps++; await Promise.resolve(steps); }");
    await sleep(400);
    await k.client.interrupt();
    const r = await pending;
    assert.equal(r.error?.ename, "KeyboardInterrupt");
    const steps = Number(resultText((await run("steps")).outputs));
    assert.ok(steps > 0);
  });

  it("interrupts an async loop waiting on timers", async () => {
    const pending = run("while (true) { await new Promise((r) => setTimeout(r, 10)); }");
    await sleep(300);
    await k.client.interrupt();
    assert.equal((await pending).error?.ename, "KeyboardInterrupt");
    assert.equal(resultText((await run("1")).outputs), "1");
  });

  it("interrupts tensor ops in a synchronous loop after an await (the tensor interrupt check)", async () => {
    // After an `await`, breakOnSigint no longer guards the code; only the
    // check every tensor op runs (tensor/interrupt.ts) can stop this loop.
    const pending = run(
      "await null;\nlet ops = 0;\nconst z = lt.zeros([4]);\nwhile (true) { z.add(1); ops++; }",
    );
    await sleep(500);
    await k.client.interrupt();
    const r = await pending;
    assert.equal(r.error?.ename, "KeyboardInterrupt");
    assert.ok(Number(resultText((await run("ops")).outputs)) > 0);
  });

  it("util.promisify(setTimeout) still works with the kernel's timers", async () => {
    const r = await run(
      "const { promisify } = require('node:util');\nawait promisify(setTimeout)(5, 'slept')",
    );
    assert.equal(resultText(r.outputs), "'slept'");
  });

  it("survives process.exit and stack overflow with a clear error", async () => {
    const exit = await run("process.exit(3)");
    assert.equal(exit.status, "error");
    assert.match(exit.error?.evalue ?? "", /not allowed in a notebook cell/);
    const overflow = await run(
      "function down(n: number): number { return down(n + 1) + 1 }\ndown(0)",
    );
    assert.equal(overflow.error?.ename, "RangeError");
    assert.equal(resultText((await run("'still here'")).outputs), "'still here'");
    assert.ok(k.client.alive);
  });

  it("reports errors from timers and unhandled rejections and survives", async () => {
    const seen: string[] = [];
    const listener = (m: { header: { msg_type: string }; content: Record<string, unknown> }) => {
      if (m.header.msg_type === "error") seen.push(String(m.content.evalue));
    };
    k.client.on("iopub", listener);
    await run(
      "setTimeout(() => { throw new Error('late boom') }, 10); Promise.reject(new Error('rejected'));",
    );
    await sleep(300);
    k.client.off("iopub", listener);
    assert.ok(seen.includes("late boom"), seen.join());
    assert.ok(seen.includes("rejected"), seen.join());
    assert.equal(resultText((await run("2")).outputs), "2");
  });

  it("displays values with Symbol.for('Jupyter.display') as rich results", async () => {
    const r = await run(
      "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>' } } })",
    );
    const result = r.outputs.find((o) => o.output_type === "execute_result");
    assert.ok(result && result.output_type === "execute_result");
    assert.equal(result.data["text/html"], "<b>rich</b>");
    assert.ok(typeof result.data["text/plain"] === "string");
    const asyncDisplay = await run(
      "({ async [Symbol.for('Jupyter.display')]() { return { 'text/markdown': '**md**' } } })",
    );
    const r2 = asyncDisplay.outputs.find((o) => o.output_type === "execute_result");
    assert.equal(r2?.output_type === "execute_result" && r2.data["text/markdown"], "**md**");
  });

  it("text/plain has no ANSI colour codes", async () => {
    const r = await run("({ a: [1, 2], s: 'x', n: null })");
    const text = resultText(r.outputs) ?? "";
    assert.ok(!text.includes("\u001b["), "no escape sequences");
    assert.equal(text, "{ a: [ 1, 2 ], s: 'x', n: null }");
  });

  it("honours tslab's display API", async () => {
    const r = await run(
      "import * as tslab from 'tslab';\ntslab.display.html('<i>t</i>');\ntslab.display.markdown('# m');\nconst d = tslab.newDisplay(); d.text('one'); d.text('two');",
    );
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    const displays = r.outputs.filter((o) => o.output_type === "display_data");
    assert.equal(displays.length, 3);
    assert.equal(
      displays[0]?.output_type === "display_data" && displays[0].data["text/html"],
      "<i>t</i>",
    );
    assert.equal(
      displays[2]?.output_type === "display_data" && displays[2].data["text/plain"],
      "two",
      "newDisplay updates in place",
    );
  });

  it("the display channel sends display_data, update_display_data and clear_output", async () => {
    const types: string[] = [];
    const listener = (m: { header: { msg_type: string } }) => types.push(m.header.msg_type);
    k.client.on("iopub", listener);
    const r = await run(
      "display.displayChannel()!.display({ 'text/plain': 'a' }, {}, 'id1');\n" +
        "display.displayChannel()!.update('id1', { 'text/plain': 'b' });\n" +
        "display.displayChannel()!.clear(true);\n" +
        "display.displayChannel()!.display({ 'text/plain': 'c' });",
    );
    k.client.off("iopub", listener);
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    assert.deepEqual(
      types.filter((t) => t !== "status" && t !== "execute_input"),
      ["display_data", "update_display_data", "clear_output", "display_data"],
    );
    assert.equal(r.outputs.length, 1, "clear_output(wait) clears before the next output");
  });

  it("imports local .ts files and npm packages from the notebook's folder", async () => {
    const r = await run(
      "import { twice } from './helper.ts';\nimport { answer } from 'tiny-pkg';\ntwice(answer)",
    );
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    assert.equal(resultText(r.outputs), "84");
    assert.equal(
      resultText((await run("twice(1)")).outputs),
      "2",
      "imports stay visible to later cells",
    );
    assert.equal(
      (await run("import { twice } from './helper.ts';")).status,
      "ok",
      "re-running an import works",
    );
  });

  it("dynamic import() works in cells", async () => {
    const r = await run(
      "const mod = await import('tiny-pkg');\nmod.answer + (await import('node:path')).sep.length",
    );
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    assert.equal(resultText(r.outputs), "43");
  });

  it("import x = require() works", async () => {
    const r = await run('import os = require("node:os");\ntypeof os.platform()');
    assert.equal(r.status, "ok", JSON.stringify(r.error));
    assert.equal(resultText(r.outputs), "'string'");
  });

  it("require works for CommonJS and built-in modules", async () => {
    const r = await run(
      "const pathMod = require('node:path') as typeof import('node:path');\npathMod.join('a', 'b')",
    );
    assert.equal(resultText(r.outputs), "'a/b'");
  });

  it("silent execution publishes nothing", async () => {
    const r = await k.client.execute("console.log('quiet'); 5", { silent: true });
    assert.equal(r.status, "ok");
    assert.deepEqual(
      r.outputs.filter((o) => o.output_type === "execute_result"),
      [],
    );
  });
});
