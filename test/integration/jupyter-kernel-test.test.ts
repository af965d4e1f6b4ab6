/**
 * The official conformance suite (Debian python3-jupyter-kernel-test) against
 * the installed kernelspec, with every optional sample filled in.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { missingPython, PYTHON, tempKernelspec } from "./support.js";

const SUITE = `
import unittest
import jupyter_kernel_test as jkt

class LecternKernelTests(jkt.KernelTests):
    kernel_name = "lectern"
    language_name = "typescript"
    file_extension = ".ts"
    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"
    completion_samples = [
        {"text": "Math.flo", "matches": {"floor"}},
        {"text": "const caf\\u00e9Value = 1; caf\\u00e9V", "matches": {"caf\\u00e9Value"}},
    ]
    complete_code_samples = ["1 + 1", "function f(): number { return 1 }", "const s = \`a \${1} b\`"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "const s = \`open"]
    invalid_code_samples = ["foo())", "}"]
    code_page_something = "Math.max?"
    code_generate_error = "throw new Error('boom')"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>hi</b>' } } })", "mime": "text/html", "result": "<b>hi</b>"},
    ]
    code_display_data = [
        {"code": "import * as tslab from 'tslab'; tslab.display.html('<b>x</b>')", "mime": "text/html"},
        {"code": "display.displayChannel()!.display({ 'image/svg+xml': '<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>', 'text/plain': 'svg' })", "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "display.displayChannel()!.clear()"

if __name__ == "__main__":
    unittest.main(verbosity=2)
`;

describe("jupyter_kernel_test", () => {
  const missing = missingPython(["jupyter_kernel_test", "jupyter_client"]);
  it("passes the official kernel test suite", { skip: missing, timeout: 180_000 }, async () => {
    const { jupyterPath, root } = tempKernelspec();
    const file = join(root, "test_lectern_kernel.py");
    writeFileSync(file, SUITE);
    try {
      const child = spawn(PYTHON, ["-m", "unittest", "-v", "test_lectern_kernel"], {
        cwd: root,
        env: {
          ...process.env,
          JUPYTER_PATH: jupyterPath,
          JUPYTER_PLATFORM_DIRS: "1",
          PYTHONDONTWRITEBYTECODE: "1",
        },
      });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
      const code = await new Promise<number | null>((r) => child.on("close", r));
      assert.equal(code, 0, out);
      assert.match(out, /Ran \d+ tests/);
      assert.doesNotMatch(out, /skipped/i, "every optional sample is filled in");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
