/** Shared set-up for tests that drive the kernel through real Jupyter software (Debian packages). */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installKernelspec } from "../../kernel/kernelspec.js";

export const PYTHON = "/usr/bin/python3";

/** Why a Python-side test cannot run here (a missing Debian package), or undefined when it can. */
export function missingPython(modules: string[]): string | undefined {
  const r = spawnSync(PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], {
    encoding: "utf8",
  });
  if (r.error) return `${PYTHON} is not installed`;
  if (r.status !== 0)
    return `python modules missing (${modules.join(", ")}): install the Debian packages (scripts/setup-system.sh)`;
  return undefined;
}

/** Installs the kernelspec into a fresh prefix; returns the JUPYTER_PATH entry that finds it. */
export function tempKernelspec(): { jupyterPath: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "lectern-jupyter-"));
  installKernelspec({ kind: "prefix", prefix: root });
  return { jupyterPath: join(root, "share", "jupyter"), root };
}
