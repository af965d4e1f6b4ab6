import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GUARD_SOURCE } from "./guard.js";

/**
 * How a submission runs. Layers, outermost first (docs/SECURITY.md states
 * what each one promises and which test backs it):
 *
 * 1. A grading worker process per submission, started inside fresh Linux
 *    user, network and PID namespaces (`unshare`): the network holds only a
 *    loopback interface, so the kernel's ZeroMQ ports work and nothing else
 *    is reachable; other processes (other students' kernels, the grader)
 *    are invisible and cannot be signalled. The worker is PID 1 there, which
 *    the kernel cannot SIGKILL.
 * 2. RLIMIT_DATA (`prlimit --data`) caps the process's memory, typed-array
 *    buffers included (a big allocation fails with a RangeError in the cell);
 *    `--max-old-space-size` caps the JS heap (exceeding it kills the kernel,
 *    which the worker reports and restarts).
 * 3. The kernel runs under Node's permission model: it reads only lectern's
 *    own files and its scratch copy of the submission, writes only the
 *    scratch copy, and may not spawn processes. Addons are allowed (the
 *    kernel's ZeroMQ addon needs them) and so are worker threads (the kernel
 *    runs its sockets in one); see SECURITY.md for what that leaves open.
 * 4. A clean environment: no inherited variables (tokens, paths), HOME and
 *    TMPDIR inside the scratch directory.
 */

/** Resource limits for one submission. */
export interface Limits {
  /** Wall-clock limit of one cell, in ms. */
  cellTimeoutMs: number;
  /** Wall-clock limit of the whole notebook, in ms. */
  notebookTimeoutMs: number;
  /** JS heap limit of the kernel, in MiB; the process may use twice this plus 1 GiB in all. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: Limits = {
  cellTimeoutMs: 60_000,
  notebookTimeoutMs: 600_000,
  memoryMb: 2048,
};

/** The lectern package root (the folder holding package.json and dist/). */
export function packageRoot(): string {
  // This file is dist/grade/sandbox.js.
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** Every node_modules folder Node's resolution may search from the package root. */
function nodeModulesDirs(root: string): string[] {
  const dirs: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules");
    if (existsSync(candidate)) dirs.push(candidate);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The bytes of memory the whole kernel process may map (RLIMIT_DATA). */
export function dataLimitBytes(limits: Limits): number {
  return (limits.memoryMb * 2 + 1024) * 1024 * 1024;
}

/**
 * Node flags for the kernel of one submission.
 *
 * @example
 * kernelNodeOptions({ scratch: "/tmp/g/work", connectionDir: "/tmp/g/conn", limits: DEFAULT_LIMITS });
 * // ["--experimental-permission", "--allow-fs-read=/tmp/g/work", ..., "--max-old-space-size=2048"]
 */
export function kernelNodeOptions(options: {
  scratch: string;
  connectionDir: string;
  limits: Limits;
  root?: string;
}): string[] {
  const root = options.root ?? packageRoot();
  for (const path of [options.scratch, options.connectionDir, root]) {
    // Node 20 splits --allow-fs-* values on commas.
    if (path.includes(","))
      throw new Error(
        `grade sandbox: path ${path} contains a comma, which Node's permission flags cannot express`,
      );
  }
  const reads = [
    options.scratch,
    options.connectionDir,
    shimModules(options.scratch),
    join(root, "dist"),
    join(root, "package.json"),
    ...nodeModulesDirs(root),
    // zeromq's loader probes this file to choose musl or glibc builds.
    "/etc/alpine-release",
  ];
  return [
    "--experimental-permission",
    // A path given twice aborts Node 20 (an assertion in its permission radix tree).
    ...[...new Set(reads)].map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${options.scratch}`,
    "--allow-addons",
    // Only the kernel's wire thread may load an addon (see guard.ts).
    `--require=${guardPath(options.scratch)}`,
    "--allow-worker",
    `--max-old-space-size=${options.limits.memoryMb}`,
    "--no-warnings",
  ];
}

/** The node_modules folder beside the scratch copy that holds the lectern shim. */
function shimModules(scratch: string): string {
  return join(dirname(scratch), "node_modules");
}

/** Where the worker writes the addon guard (guard.ts) for this scratch copy. */
function guardPath(scratch: string): string {
  return join(shimModules(scratch), "lectern-guard.cjs");
}

/**
 * Writes the addon guard (guard.ts) and makes `import ... from "lectern"`
 * and `"lectern/grade"` resolve in cells
 * whose notebook folder (the scratch copy) lies outside any lectern install:
 * a `node_modules/lectern` beside the scratch folder, readable but not
 * writable by the kernel, whose modules re-export lectern's own files (so a
 * cell shares the kernel's module instances). The kernel resolves bare
 * specifiers from the notebook folder first; see docs/SECURITY.md for what a
 * submission could still shadow.
 */
export function writeSandboxFiles(scratch: string, root = packageRoot()): void {
  const dir = join(shimModules(scratch), "lectern");
  mkdirSync(dir, { recursive: true });
  const target = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "lectern",
      type: "module",
      exports: { ".": "./index.js", "./grade": "./grade.js" },
    }),
  );
  writeFileSync(join(dir, "index.js"), `export * from ${target("dist/index.js")};\n`);
  writeFileSync(join(dir, "grade.js"), `export * from ${target("dist/grade/index.js")};\n`);
  writeFileSync(guardPath(scratch), GUARD_SOURCE);
}

/**
 * The kernel's whole environment: nothing inherited from the grader but
 * PATH and the locale, HOME and TMPDIR in the scratch copy, and type
 * checking off: as with nbgrader's Python, only what a cell does at run time
 * counts (a type error in an answer does not fail tests that pass).
 */
export function kernelEnv(
  scratch: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "C.UTF-8",
    HOME: scratch,
    TMPDIR: join(scratch, ".tmp"),
    LECTERN_TYPECHECK: "off",
    LECTERN_GRADING: "1",
    ...extra,
  };
}

/** How the worker process is wrapped: the command prefix and what it gives. */
export interface Isolation {
  prefix: string[];
  /** "namespace": no network but loopback, private PIDs; "none": unshare unavailable. */
  network: "namespace" | "none";
  /** Why namespaces are off, for the run's log. */
  reason?: string;
}

let probed: Isolation | undefined;

/**
 * Finds out once whether this machine can run a worker in its own user,
 * network and PID namespaces with loopback up (util-linux `unshare` and
 * iproute2 `ip`, unprivileged user namespaces allowed), and returns the
 * command prefix for it. `LECTERN_GRADE_ISOLATION=none` turns it off.
 */
export function probeIsolation(limits: Limits): Isolation {
  const memory = ["prlimit", `--data=${dataLimitBytes(limits)}`, "--"];
  const memoryOk = spawnSync("prlimit", ["--version"], { stdio: "ignore" }).status === 0;
  const base = memoryOk ? memory : [];
  if (process.env.LECTERN_GRADE_ISOLATION === "none") {
    return { prefix: base, network: "none", reason: "LECTERN_GRADE_ISOLATION=none" };
  }
  if (probed === undefined) {
    const unshare = [
      "unshare",
      "--user",
      "--map-root-user",
      "--net",
      "--pid",
      "--fork",
      "--kill-child",
    ];
    const r = spawnSync(unshare[0]!, [...unshare.slice(1), "ip", "link", "set", "lo", "up"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    probed =
      r.status === 0
        ? { prefix: unshare, network: "namespace" }
        : {
            prefix: [],
            network: "none",
            reason: `unshare/ip unavailable (${(r.error?.message ?? r.stderr ?? "").trim() || `exit ${r.status}`})`,
          };
  }
  return { ...probed, prefix: [...probed.prefix, ...base] };
}
