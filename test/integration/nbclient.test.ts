/** Debian's nbclient executes a notebook with the installed kernelspec (as `jupyter nbconvert --execute` does). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { missingPython, PYTHON, tempKernelspec } from "./support.js";

const RUNNER = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="lectern", timeout=60, allow_errors=False).execute()
nbformat.validate(nb)
nbformat.write(nb, sys.argv[2])
`;

/** nbformat writes multi-line strings as lists of lines. */
function text(value: string | string[]): string {
  return Array.isArray(value) ? value.join("") : value;
}

function code(source: string) {
  return {
    cell_type: "code",
    id: Math.random().toString(16).slice(2, 10),
    metadata: {},
    execution_count: null,
    outputs: [],
    source,
  };
}

describe("nbclient", () => {
  const missing = missingPython(["nbclient", "nbformat"]);
  it("executes a notebook through the lectern kernelspec", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const { jupyterPath, root } = tempKernelspec();
    try {
      const nb = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {
          kernelspec: {
            name: "lectern",
            display_name: "TypeScript (lectern)",
            language: "typescript",
          },
        },
        cells: [
          code("const xs: number[] = [1, 2, 3];\nconsole.log('sum', xs.reduce((a, b) => a + b));"),
          code(
            "const delayed = await new Promise<string>((r) => setTimeout(() => r('late'), 50));\ndelayed",
          ),
          code("import * as tslab from 'tslab';\ntslab.display.markdown('**bold**');"),
          code("xs.map((x) => x * 2)"),
        ],
      };
      const input = join(root, "in.ipynb");
      const output = join(root, "out.ipynb");
      writeFileSync(input, JSON.stringify(nb));
      writeFileSync(join(root, "run.py"), RUNNER);
      const r = spawnSync(PYTHON, [join(root, "run.py"), input, output], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, JUPYTER_PATH: jupyterPath },
        timeout: 110_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const done = JSON.parse(readFileSync(output, "utf8"));
      const [c0, c1, c2, c3] = done.cells;
      assert.equal(c0.outputs[0].name, "stdout");
      assert.equal(text(c0.outputs[0].text), "sum 6\n");
      assert.equal(
        c1.outputs[0].output_type,
        "execute_result",
        "top-level await result arrives before idle",
      );
      assert.equal(text(c1.outputs[0].data["text/plain"]), "'late'");
      assert.equal(c2.outputs[0].output_type, "display_data");
      assert.equal(text(c2.outputs[0].data["text/markdown"]), "**bold**");
      assert.equal(text(c3.outputs[0].data["text/plain"]), "[ 2, 4, 6 ]");
      assert.deepEqual(
        done.cells.map((c: { execution_count: number }) => c.execution_count),
        [1, 2, 3, 4],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lectern run writes a notebook that nbformat validates as 4.5", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const { root } = tempKernelspec();
    try {
      const nb = {
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [
          { cell_type: "markdown", metadata: {}, source: "# run" },
          {
            cell_type: "code",
            metadata: {},
            execution_count: null,
            outputs: [],
            source:
              "console.log('x');\nimport * as tslab from 'tslab';\ntslab.display.html('<p>h</p>');\n[1, 2]",
          },
        ],
      };
      const input = join(root, "plain.ipynb");
      writeFileSync(input, JSON.stringify(nb));
      const bin = fileURLToPath(new URL("../../cli/bin.js", import.meta.url));
      const run = spawnSync(process.execPath, [bin, "run", input], {
        cwd: root,
        encoding: "utf8",
        timeout: 90_000,
      });
      assert.equal(run.status, 0, run.stderr);
      const check = spawnSync(
        PYTHON,
        [
          "-c",
          "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor, len(nb.cells[1].outputs))",
          input,
        ],
        { encoding: "utf8" },
      );
      assert.equal(check.status, 0, check.stderr);
      assert.equal(check.stdout.trim(), "4 5 3");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
