// Shows every display kind through a display channel exactly as the kernel
// does, saves the outputs in a notebook, signs it (trusted, as a notebook the
// user ran), opens it in classic Jupyter Notebook (Debian jupyter-notebook)
// in headless Chromium and checks each output: plots are plotly charts (with
// the library inlined once, in its own output, and require.js on the page),
// everything else is non-blank. Only the notebook server on loopback is
// reachable; nothing is fetched from elsewhere by the outputs.
//
// Set LECTERN_SCREENSHOTS=/some/dir to keep the screenshots.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CHROMIUM,
  type Case,
  cases,
  inkFraction,
  keep,
  kernelOutputs,
  withChromium,
} from "./display-cases.js";

const PYTHON = "/usr/bin/python3";
const TOKEN = "lectern-display-test";
const available =
  existsSync(CHROMIUM) && spawnSync(PYTHON, ["-c", "import notebook, nbformat"]).status === 0;

let dir: string;
let server: ChildProcess | undefined;
let port: number;
let all: Case[];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "lectern-notebook-"));
  all = cases();
  const outputs = await kernelOutputs(all);
  const notebook = {
    cells: all.map((c, i) => ({
      cell_type: "code",
      execution_count: i + 1,
      metadata: {},
      outputs: outputs[i],
      source: [`// ${c.name}`],
    })),
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    nbformat: 4,
    // 4.4: no cell ids, so the server does not rewrite (and un-trust) the signed notebook.
    nbformat_minor: 4,
  };
  writeFileSync(join(dir, "displays.ipynb"), JSON.stringify(notebook));
  const env = {
    ...process.env,
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    IPYTHONDIR: join(dir, "ipython"),
  };
  const sign = spawnSync(PYTHON, ["-m", "nbformat.sign", join(dir, "displays.ipynb")], { env });
  assert.equal(sign.status, 0, String(sign.stderr));
  port = await freePort();
  server = spawn(
    PYTHON,
    [
      "-m",
      "notebook",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--NotebookApp.token=${TOKEN}`,
      `--notebook-dir=${dir}`,
    ],
    { env, stdio: "ignore" },
  );
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/status?token=${TOKEN}`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("jupyter notebook did not start within 30 s");
});

after(() => {
  server?.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("classic Notebook renders every saved display output; plots draw with the once-inlined plotly.js", {
  skip: !available && "needs /usr/bin/chromium and Debian jupyter-notebook",
  timeout: 180_000,
}, async () => {
  const local = (url: string) =>
    url.startsWith(`http://127.0.0.1:${port}/`) || url.startsWith(`ws://127.0.0.1:${port}/`);
  await withChromium(join(dir, "profile"), { allow: local }, async (ctx, elsewhere) => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/notebooks/displays.ipynb?token=${TOKEN}`);
    const plots = all.filter((c) => c.plotly).length;
    await page.waitForFunction(
      `document.querySelectorAll(".output_subarea .js-plotly-plot .main-svg").length >= ${plots}`,
      undefined,
      { timeout: 90_000 },
    );
    assert.equal(
      await page.evaluate("typeof window.define === 'function' && !!window.define.amd"),
      true,
      "require.js is on the page",
    );
    const cells = page.locator(".cell.code_cell");
    assert.equal(await cells.count(), all.length);
    for (const [i, c] of all.entries()) {
      const output = cells.nth(i).locator(".output_subarea").last();
      if (c.plotly)
        assert.equal(
          await output.locator(".js-plotly-plot").count(),
          1,
          `${c.name}: a plotly chart`,
        );
      await output.scrollIntoViewIfNeeded();
      const shot = await output.screenshot();
      keep(`notebook-${c.name}`, shot);
      const { width, height, ink } = inkFraction(shot);
      assert.ok(
        width >= c.minWidth && height >= c.minHeight,
        `${c.name}: ${width}x${height} is too small`,
      );
      assert.ok(ink > 0.005, `${c.name}: looks blank`);
    }
    assert.deepEqual(
      errors.filter((e) => /plotly|lectern/i.test(e)),
      [],
      "no errors from the outputs",
    );
    assert.deepEqual(
      elsewhere.filter((u) => !/mathjax/i.test(u)),
      [],
      "outputs fetch nothing from the network",
    );
  });
});
