/** Writes the Jupyter kernelspec (kernel.json + logos) that front ends use to start lectern. */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type KernelspecTarget =
  | { kind: "user" }
  | { kind: "sys-prefix" }
  | { kind: "prefix"; prefix: string };

/** The per-user Jupyter data directory, as `jupyter --data-dir` reports it. */
export function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA ?? homedir(), "jupyter");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}

/** `sys.prefix` of the Python that runs Jupyter (the first python3 on PATH). */
function pythonPrefix(): string {
  for (const python of ["python3", "python"]) {
    try {
      return execFileSync(python, ["-c", "import sys; print(sys.prefix)"], {
        encoding: "utf8",
      }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error(
    "lectern install --sys-prefix: no python3 on PATH to ask for sys.prefix; use --prefix PATH",
  );
}

export function kernelspecDir(target: KernelspecTarget, name = "lectern"): string {
  if (target.kind === "user") return join(jupyterDataDir(), "kernels", name);
  const prefix = target.kind === "prefix" ? target.prefix : pythonPrefix();
  return join(prefix, "share", "jupyter", "kernels", name);
}

/** The kernel.json contents: Jupyter runs `node .../dist/cli/bin.js kernel -f {connection_file}`. */
export function kernelJson(): Record<string, unknown> {
  const bin = fileURLToPath(new URL("../cli/bin.js", import.meta.url));
  return {
    argv: [process.execPath, bin, "kernel", "-f", "{connection_file}"],
    display_name: "TypeScript (lectern)",
    language: "typescript",
    // Both work; "message" also works where signals do not (Windows, remote kernels).
    interrupt_mode: "message",
    env: {},
    metadata: { debugger: false },
  };
}

/** Installs the kernelspec and returns the directory written. */
export function installKernelspec(target: KernelspecTarget, name = "lectern"): string {
  const dir = kernelspecDir(target, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), `${JSON.stringify(kernelJson(), null, 2)}\n`);
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
    const src = fileURLToPath(new URL(`../../kernel/${logo}`, import.meta.url));
    if (existsSync(src)) copyFileSync(src, join(dir, logo));
  }
  return dir;
}
