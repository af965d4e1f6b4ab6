/**
 * The grading worker: one process per submission, started by autograde
 * inside the sandbox's namespaces (see sandbox.ts). It starts a kernel on
 * the scratch copy, runs the restored notebook and writes its progress to a
 * file the kernel cannot reach. Usage: `node dist/grade/worker.js JOB.json`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { type KernelClient, startKernel } from "../kernel/client.js";
import type { Notebook } from "./notebook.js";
import { type RunProgress, runNotebook } from "./runner.js";
import { kernelEnv, kernelNodeOptions, type Limits, writeSandboxFiles } from "./sandbox.js";

/** What autograde hands the worker. */
export interface WorkerJob {
  scratch: string;
  /** Private folder for the kernel's connection file (readable by the kernel, not writable). */
  connectionDir: string;
  notebookPath: string;
  progressPath: string;
  limits: Limits;
  /** True inside a fresh network namespace, whose loopback starts down. */
  bringUpLoopback: boolean;
  env: Record<string, string>;
}

function saver(path: string): (progress: RunProgress) => void {
  return (progress) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(progress));
    renameSync(`${path}.tmp`, path);
  };
}

async function main(jobPath: string): Promise<number> {
  // A kernel in the same PID namespace could send SIGUSR1, which would open
  // this (unsandboxed) process's inspector on loopback; a listener disables that.
  process.on("SIGUSR1", () => {});
  const job = JSON.parse(readFileSync(jobPath, "utf8")) as WorkerJob;
  const save = saver(job.progressPath);
  const notebook = JSON.parse(readFileSync(job.notebookPath, "utf8")) as Notebook;
  if (job.bringUpLoopback) {
    const r = spawnSync("ip", ["link", "set", "lo", "up"], { encoding: "utf8" });
    if (r.status !== 0)
      throw new Error(`grade worker: could not bring up loopback: ${r.stderr || r.error}`);
  }
  mkdirSync(job.connectionDir, { recursive: true });
  writeSandboxFiles(job.scratch);
  mkdirSync(kernelEnv(job.scratch).TMPDIR!, { recursive: true });
  // kernel/client.ts writes the connection file under os.tmpdir().
  process.env.TMPDIR = job.connectionDir;
  let kernel: KernelClient;
  try {
    kernel = await startKernel({
      cwd: job.scratch,
      env: kernelEnv(job.scratch, job.env),
      nodeOptions: kernelNodeOptions({
        scratch: job.scratch,
        connectionDir: job.connectionDir,
        limits: job.limits,
      }),
      // The kernel's log goes to this worker's stderr, which autograde keeps
      // (capped) and reports when something went wrong.
      stderr: "inherit",
    });
  } catch (err) {
    const issues = [`the kernel did not start in the sandbox: ${String(err)}`];
    save({ executions: {}, notebook, issues });
    return 1;
  }
  await runNotebook(kernel, notebook, job.limits, save);
  await kernel.shutdown().catch(() => undefined);
  return 0;
}

main(process.argv[2]!).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
