// Runs test/nn/safetensors_reference.py under Debian's PyTorch
// (/usr/bin/python3, not the python first on PATH). Tests that need it are
// skipped when PyTorch is not installed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const python = "/usr/bin/python3";
const script = fileURLToPath(new URL("../../../test/nn/safetensors_reference.py", import.meta.url));

export const torchAvailable =
  spawnSync(python, ["-c", "import torch"], { encoding: "utf8" }).status === 0;

export const skipWithoutTorch = torchAvailable ? false : "needs /usr/bin/python3 with torch";

/** Runs the reference script with `args` and parses its JSON output. */
export function reference(...args: string[]): any {
  const r = spawnSync(python, [script, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`reference ${args[0]} failed:\n${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}
