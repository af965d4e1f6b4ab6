import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_LIMITS,
  dataLimitBytes,
  kernelEnv,
  kernelNodeOptions,
  packageRoot,
  probeIsolation,
  writeSandboxFiles,
} from "../../grade/sandbox.js";

const root = packageRoot();

/** Runs a script under the kernel's permission flags (no kernel needed) and returns its stdout. */
function underPermissions(script: string, scratch: string): string {
  writeSandboxFiles(scratch);
  const file = join(scratch, "probe.mjs");
  writeFileSync(file, script);
  const options = kernelNodeOptions({
    scratch,
    connectionDir: join(scratch, "conn"),
    limits: { ...DEFAULT_LIMITS, memoryMb: 256 },
  });
  const r = spawnSync(process.execPath, [...options, file], {
    encoding: "utf8",
    cwd: scratch,
    env: kernelEnv(scratch),
    timeout: 20_000,
  });
  return r.stdout + r.stderr;
}

describe("grade sandbox", () => {
  it("reads only lectern's files and the scratch copy, writes only the scratch copy", () => {
    const options = kernelNodeOptions({
      scratch: "/tmp/s/work",
      connectionDir: "/tmp/s/conn",
      limits: DEFAULT_LIMITS,
      root: "/opt/lectern",
    });
    assert.deepEqual(options.filter((o) => o.startsWith("--allow-fs")).slice(0, 5), [
      "--allow-fs-read=/tmp/s/work",
      "--allow-fs-read=/tmp/s/conn",
      "--allow-fs-read=/tmp/s/node_modules",
      "--allow-fs-read=/opt/lectern/dist",
      "--allow-fs-read=/opt/lectern/package.json",
    ]);
    assert.deepEqual(
      options.filter((o) => o.startsWith("--allow-fs-write")),
      ["--allow-fs-write=/tmp/s/work"],
    );
    assert.ok(options.includes("--experimental-permission"));
    assert.ok(options.includes("--max-old-space-size=2048"));
    assert.ok(!options.includes("--allow-child-process"));
    assert.ok(!options.some((o) => o === `--allow-fs-read=${root}` || o === "--allow-fs-read=*"));
    assert.throws(
      () => kernelNodeOptions({ scratch: "/tmp/a,b", connectionDir: "/c", limits: DEFAULT_LIMITS }),
      /contains a comma/,
    );
  });

  it("gives the kernel a clean environment", () => {
    process.env.LECTERN_SECRET_TOKEN = "x";
    const env = kernelEnv("/tmp/s/work", { LECTERN_QUICK: "1" });
    delete process.env.LECTERN_SECRET_TOKEN;
    assert.deepEqual(Object.keys(env).sort(), [
      "HOME",
      "LANG",
      "LECTERN_GRADING",
      "LECTERN_QUICK",
      "LECTERN_TYPECHECK",
      "PATH",
      "TMPDIR",
    ]);
    assert.equal(env.HOME, "/tmp/s/work");
  });

  it("caps process memory at twice the heap plus 1 GiB", () => {
    assert.equal(dataLimitBytes({ ...DEFAULT_LIMITS, memoryMb: 512 }), 2048 * 1024 * 1024);
  });

  it("denies reads outside, writes outside, child processes under the permission flags", () => {
    const base = mkdtempSync(join(tmpdir(), "lectern-sandbox-"));
    const scratch = join(base, "work");
    mkdirSync(scratch);
    writeFileSync(join(base, "secret.txt"), "hidden tests");
    try {
      const out = underPermissions(
        `import fs from "node:fs";
         const tryIt = (name, fn) => { try { fn(); console.log(name, "ALLOWED"); } catch (e) { console.log(name, e.code); } };
         tryIt("read-outside", () => fs.readFileSync(${JSON.stringify(join(base, "secret.txt"))}));
         tryIt("write-outside", () => fs.writeFileSync(${JSON.stringify(join(base, "gradebook.csv"))}, "x"));
         tryIt("write-scratch", () => fs.writeFileSync("own.txt", "x"));
         tryIt("read-package-json", () => fs.readFileSync(${JSON.stringify(join(root, "package.json"))}));
         tryIt("read-repo-root", () => fs.readdirSync(${JSON.stringify(root)}));
         const cp = await import("node:child_process");
         tryIt("spawn", () => cp.execFileSync("/bin/true"));`,
        scratch,
      );
      assert.match(out, /read-outside ERR_ACCESS_DENIED/);
      assert.match(out, /write-outside ERR_ACCESS_DENIED/);
      assert.match(out, /write-scratch ALLOWED/);
      assert.match(out, /read-package-json ALLOWED/);
      assert.match(out, /read-repo-root ERR_ACCESS_DENIED/);
      assert.match(out, /spawn ERR_ACCESS_DENIED/);
      assert.equal(existsSync(join(base, "gradebook.csv")), false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("lets only the kernel's wire thread (thread 1) load the ZeroMQ addon", () => {
    const base = mkdtempSync(join(tmpdir(), "lectern-sandbox-"));
    const scratch = join(base, "work");
    mkdirSync(scratch);
    try {
      const load = (who: string) =>
        `const r = require("node:module").createRequire(${JSON.stringify(join(root, "package.json"))});
         try {
           const z = r("zeromq");
           const s = new z.Router();
           s.bind("tcp://127.0.0.1:*").then(() => { console.log("${who}: bound"); s.close(); });
         } catch (e) { console.log("${who}: refused"); }`;
      const out = underPermissions(
        `import { Worker } from "node:worker_threads";
         import { createRequire } from "node:module";
         const require = createRequire(import.meta.url);
         const done = (w) => new Promise((resolve) => w.on("exit", resolve));
         const first = new Worker(${JSON.stringify(load("wire thread"))}, { eval: true });
         await done(first);
         ${load("main thread")}
         await done(new Worker(${JSON.stringify(load("second thread"))}, { eval: true }));
         await done(new Worker(${JSON.stringify(load("thread without execArgv"))}, { eval: true, execArgv: [] }));
         await done(new first.constructor(${JSON.stringify(load("thread from the original constructor"))}, { eval: true, execArgv: [] }));
         try { process.dlopen = () => {}; console.log("dlopen replaced"); } catch { console.log("dlopen fixed"); }`,
        scratch,
      );
      assert.match(out, /wire thread: bound/);
      for (const who of [
        "main thread",
        "second thread",
        "thread without execArgv",
        "thread from the original constructor",
      ]) {
        assert.match(out, new RegExp(`${who}: refused`));
      }
      assert.match(out, /native addons are disabled while grading/);
      assert.match(out, /dlopen fixed/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("reports whether namespaces isolate the worker, and they hide the network when on", () => {
    const isolation = probeIsolation(DEFAULT_LIMITS);
    if (isolation.network === "none") {
      assert.match(isolation.reason ?? "", /unavailable|LECTERN_GRADE_ISOLATION/);
      return;
    }
    const r = spawnSync(
      isolation.prefix[0]!,
      [...isolation.prefix.slice(1), "cat", "/proc/net/dev"],
      { encoding: "utf8" },
    );
    const interfaces = r.stdout
      .split("\n")
      .slice(2)
      .filter(Boolean)
      .map((l) => l.trim().split(":")[0]);
    assert.deepEqual(interfaces, ["lo"]);
  });
});

describe("grade sandbox: lectern shim", () => {
  it("lets a script in the scratch folder import lectern/grade under the permission flags", () => {
    const base = mkdtempSync(join(tmpdir(), "lectern-sandbox-"));
    const scratch = join(base, "work");
    mkdirSync(scratch);
    try {
      writeSandboxFiles(scratch);
      const file = join(scratch, "probe.mjs");
      writeFileSync(
        file,
        'import { expect } from "lectern/grade"; expect(1).toBe(1); console.log("imported");',
      );
      const options = kernelNodeOptions({
        scratch,
        connectionDir: join(base, "conn"),
        limits: DEFAULT_LIMITS,
      });
      const r = spawnSync(process.execPath, [...options, file], {
        encoding: "utf8",
        cwd: scratch,
        env: kernelEnv(scratch),
      });
      assert.match(r.stdout, /imported/, r.stderr);
      const write = spawnSync(
        process.execPath,
        [
          ...options,
          "-e",
          `require("fs").writeFileSync(${JSON.stringify(join(base, "node_modules", "lectern", "grade.js"))}, "")`,
        ],
        { encoding: "utf8", cwd: scratch, env: kernelEnv(scratch) },
      );
      assert.match(write.stderr, /ERR_ACCESS_DENIED/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
