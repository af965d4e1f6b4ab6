// lectern's widget models rendered by the real ipywidgets 8 front end
// (@jupyter-widgets/html-manager with controls 2.0, bundled here with
// esbuild) in headless Chromium — the path a saved notebook's widget state
// takes in nbconvert/Voilà, and the same model code JupyterLab runs. If a
// model name, version or state field were wrong, the view would not build.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { setDisplayChannel } from "../../display/channel.js";
import { DISPLAY } from "../../display/mime.js";
import { markdown } from "../../display/rich.js";
import { interactive, WIDGET_VIEW_MIME } from "../../display/widgets.js";
import { FakeChannel } from "../display/fakes.js";
import { CHROMIUM, withChromium } from "./display-cases.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

const ENTRY = `
import { HTMLManager } from "@jupyter-widgets/html-manager";
window.renderWidget = async (state, modelId, host) => {
  const manager = new HTMLManager();
  await manager.set_state(state);
  const model = await manager.get_model(modelId);
  const view = await manager.create_view(model);
  await manager.display_view(view, host);
};
`;

const available = existsSync(CHROMIUM);
let dir: string;
let bundle: string;

before(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "lectern-widgets-"));
  const loaders = Object.fromEntries(
    [".css", ".woff", ".woff2", ".ttf", ".eot"].map((e) => [e, "empty" as const]),
  );
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: "js" },
    bundle: true,
    format: "iife",
    write: false,
    loader: { ...loaders, ".svg": "text" },
    // html-manager is built for webpack and reads its public path global.
    banner: { js: 'var __webpack_public_path__ = "";' },
    logLevel: "silent",
  });
  bundle = result.outputFiles[0]!.text;
});

after(() => {
  setDisplayChannel(undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The notebook widget state (application/vnd.jupyter.widget-state+json) of every comm opened. */
function widgetState(channel: FakeChannel) {
  const state: Record<string, unknown> = {};
  for (const comm of channel.comms) {
    const s = (comm.openData as { state: Record<string, unknown> }).state;
    state[comm.commId] = {
      model_name: s._model_name,
      model_module: s._model_module,
      model_module_version: s._model_module_version,
      state: s,
    };
  }
  return { version_major: 2, version_minor: 0, state };
}

test("ipywidgets 8 builds views for lectern's sliders, dropdown, checkbox, output and box", {
  skip: !available && "no /usr/bin/chromium",
  timeout: 120_000,
}, async () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  const it = interactive(
    ({ n, lr, act, norm }) => markdown(`**n=${n}** lr=${lr} act=${act} norm=${norm}`),
    {
      n: [1, 9],
      lr: { min: 0, max: 1, step: 0.25, value: 0.5 },
      act: ["relu", "tanh"],
      norm: true,
    },
  );
  await it.update();
  setDisplayChannel(undefined);
  // The output widget's latest outputs are part of its state, as nbclient saves them.
  const outComm = channel.comms.find((c) => c.commId === it.output.modelId)!;
  const last = outComm.sent.at(-1)!.data as { state: Record<string, unknown> };
  (outComm.openData as { state: Record<string, unknown> }).state.outputs = last.state.outputs;
  const view = ((await it[DISPLAY]()) as Record<string, { model_id: string }>)[WIDGET_VIEW_MIME]!;

  await withChromium(join(dir, "profile"), {}, async (ctx, network) => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setContent(
      '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="host"></div></body></html>',
    );
    await page.addScriptTag({ content: bundle });
    assert.deepEqual(errors, [], "the widget bundle loads");
    await page.evaluate(
      async ({ state, modelId }) => {
        const g = globalThis as unknown as {
          renderWidget(s: unknown, id: string, host: unknown): Promise<void>;
          document: any;
        };
        await g.renderWidget(state, modelId, g.document.getElementById("host"));
      },
      { state: widgetState(channel), modelId: view.model_id },
    );
    const host = page.locator("#host");
    await host.locator(".widget-vbox").waitFor();
    assert.equal(await host.locator(".widget-slider").count(), 2, "an int and a float slider");
    assert.deepEqual(await host.locator(".widget-readout").allTextContents(), ["5", "0.50"]);
    assert.deepEqual(await host.locator("select option").allTextContents(), ["relu", "tanh"]);
    assert.equal(await host.locator("input[type=checkbox]").isChecked(), true);
    assert.deepEqual((await host.locator(".widget-label").allTextContents()).slice(0, 3), [
      "n",
      "lr",
      "act",
    ]);
    assert.match(await host.locator(".widget-checkbox").innerText(), /norm/);
    // The function's result reached the Output widget through its `outputs` state
    // (html-manager has no Markdown parser configured, so it shows the source).
    const result = host.locator('.widget-output [data-mime-type="text/markdown"]');
    await result.waitFor();
    assert.equal((await result.innerText()).trim(), "**n=5** lr=0.5 act=relu norm=true");
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
  });
});
