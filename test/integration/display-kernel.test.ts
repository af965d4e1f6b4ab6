// Display behaviour through the real lectern kernel, executed headless by
// Debian's nbclient (as `jupyter nbconvert --execute` and graders do): the
// saved notebook must hold plotly.js once in its own output, live displays
// in their final state, and widget models in the notebook's widget state.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { missingPython, PYTHON, tempKernelspec } from "./support.js";

const RUNNER = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="lectern", timeout=60, allow_errors=False, store_widget_state=True).execute()
nbformat.write(nb, sys.argv[2])
`;

const PLOTLY_MIME = "application/vnd.plotly.v1+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
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

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v);
}

describe("displays through the lectern kernel and nbclient", () => {
  const missing = missingPython(["nbclient", "nbformat"]);
  let done: { cells: { outputs: Output[] }[]; metadata: Record<string, any> };
  let root: string;

  before(() => {
    if (missing) return;
    const spec = tempKernelspec();
    root = spec.root;
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
        code('display.plot({ train: [3, 2, 1], val: [3.5, 2.5, 2] }, { title: "loss" })'),
        code('display.plot([1, 4, 9], { title: "second" })'),
        code("const s = new display.IntSlider({ min: 0, max: 8, value: 2, description: 'k' });\ns"),
        code("for (const _ of display.progress(50)) {}"),
        code(
          "const curves = display.trainingCurves();\nfor (let step = 0; step < 300; step++) curves.log({ step, loss: 1 / (step + 1) });",
        ),
      ],
    };
    const input = join(root, "in.ipynb");
    const output = join(root, "out.ipynb");
    writeFileSync(input, JSON.stringify(nb));
    writeFileSync(join(root, "run.py"), RUNNER);
    const r = spawnSync(PYTHON, [join(root, "run.py"), input, output], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: spec.jupyterPath },
      timeout: 110_000,
    });
    assert.equal(r.status, 0, r.stderr);
    done = JSON.parse(readFileSync(output, "utf8"));
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("inlines plotly.js once, as its own output before the first plot", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const [first, second] = done.cells as [{ outputs: Output[] }, { outputs: Output[] }];
    const carriers = done.cells
      .flatMap((c) => c.outputs)
      .filter((o) => text(o.data?.["text/html"] ?? "").includes("window.Plotly = Plotly"));
    assert.equal(carriers.length, 1);
    assert.equal(first.outputs[0], carriers[0]);
    assert.equal(text(first.outputs[0]!.data!["text/plain"]), "");
    const plotOut = first.outputs.at(-1)!;
    assert.equal(plotOut.output_type, "execute_result");
    assert.deepEqual(
      (plotOut.data![PLOTLY_MIME] as { data: { name: string }[] }).data.map((t) => t.name),
      ["train", "val"],
    );
    assert.match(text(plotOut.data!["image/svg+xml"]), /^<svg xmlns/);
    assert.equal(second.outputs.length, 1, "the second plot carries no library");
    assert.equal(text(second.outputs[0]!.data!["text/plain"]), '<Figure "second": scatter 0>');
  });

  it("a widget displays as a widget view and its model is saved in the notebook's widget state", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const out = done.cells[2]!.outputs.at(-1)!;
    const view = out.data!["application/vnd.jupyter.widget-view+json"] as {
      model_id: string;
      version_major: number;
    };
    assert.equal(view.version_major, 2);
    assert.match(
      text(out.data!["text/plain"]),
      /^IntSlider\(value=2, min=0, max=8, step=1, description="k"\)/,
    );
    const state = done.metadata.widgets?.["application/vnd.jupyter.widget-state+json"]?.state ?? {};
    const model = state[view.model_id];
    assert.ok(model, "the slider's model is in the saved widget state");
    assert.equal(model.model_name, "IntSliderModel");
    assert.equal(model.model_module, "@jupyter-widgets/controls");
    assert.equal(model.state.value, 2);
  });

  it("a progress bar ends at 100% in the saved notebook", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const outs = done.cells[3]!.outputs;
    assert.equal(outs.length, 1, "one output, updated in place");
    assert.match(text(outs[0]!.data!["text/plain"]), /100%\|█{20}\| 50\/50/);
  });

  it("live training curves are saved in their final state", {
    skip: missing,
    timeout: 120_000,
  }, () => {
    const outs = done.cells[4]!.outputs;
    assert.equal(outs.length, 1, "one output, updated in place");
    const fig = outs[0]!.data![PLOTLY_MIME] as { data: { y: number[] }[] };
    assert.equal(fig.data[0]!.y.length, 300);
  });
});
