import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PeerRequest, PeerResult } from "./timing.js";

/** One column of the benchmark table: a system at a thread count. */
export interface Peer {
  label: string;
  threads: number;
  /** Runs the request; resolves to results or to a reason it could not run. */
  run(req: PeerRequest): Promise<PeerResult | { unavailable: string }>;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const TORCH_PYTHON = "/usr/bin/python3";

/** Env that pins every thread pool PyTorch-on-Debian uses (OpenBLAS ignores set_num_threads). */
function pinnedEnv(threads: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    OMP_WAIT_POLICY: "PASSIVE",
    LECTERN_THREADS: String(threads),
  };
}

function runJson(cmd: string, args: string[], req: PeerRequest): Promise<PeerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: pinnedEnv(req.threads),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(out) as PeerResult);
      } catch {
        reject(
          new Error(`${cmd} exited with ${code}: ${err.trim().split("\n").slice(-3).join(" ")}`),
        );
      }
    });
    child.stdin.end(JSON.stringify(req));
  });
}

/** PyTorch CPU through Debian's python3-torch. */
export function torchPeer(threads: number): Peer {
  return {
    label: `PyTorch ${threads}T`,
    threads,
    async run(req) {
      if (!existsSync(TORCH_PYTHON)) return { unavailable: `${TORCH_PYTHON} not found` };
      try {
        return await runJson(TORCH_PYTHON, [here("../../bench/torch_peer.py")], req);
      } catch (e) {
        return {
          unavailable: `PyTorch not usable (install Debian's python3-torch): ${(e as Error).message}`,
        };
      }
    },
  };
}

/** TensorFlow.js with its `wasm` or `cpu` backend (single-threaded in Node). */
export function tfjsPeer(backend: "wasm" | "cpu"): Peer {
  return {
    label: `tfjs-${backend}`,
    threads: 1,
    async run(req) {
      try {
        return await runJson(process.execPath, [here("./tfjs_peer.js"), backend], req);
      } catch (e) {
        return { unavailable: (e as Error).message };
      }
    },
  };
}

/** lectern itself, in a child process like the peers, at a thread count. */
export function lecternPeer(threads: number, device: "cpu" | "webgpu" = "cpu"): Peer {
  return {
    label: `lectern${device === "webgpu" ? "-webgpu" : ""} ${threads}T`,
    threads,
    async run(req) {
      try {
        return await runJson(process.execPath, [here("./lectern_peer.js"), device], req);
      } catch (e) {
        return { unavailable: (e as Error).message };
      }
    },
  };
}
