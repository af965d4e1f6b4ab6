import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { setDisplayChannel } from "../../display/channel.js";
import { DISPLAY } from "../../display/mime.js";
import { markdown } from "../../display/rich.js";
import {
  Button,
  Dropdown,
  FloatSlider,
  IntSlider,
  interact,
  interactive,
  Output,
  VBox,
  WIDGET_VIEW_MIME,
} from "../../display/widgets.js";
import { LecternError } from "../../tensor/errors.js";
import { captureStdout, FakeChannel, type FakeComm } from "./fakes.js";

afterEach(() => setDisplayChannel(undefined));

function kernel(): FakeChannel {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  return channel;
}

const stateOf = (comm: FakeComm) => (comm.openData as { state: Record<string, unknown> }).state;

test("an IntSlider opens jupyter.widget comms (protocol 2.1.0) for itself, its layout and style", () => {
  const channel = kernel();
  const s = new IntSlider({ min: 0, max: 10, value: 3, description: "k" });
  assert.deepEqual(
    channel.comms.map((c) => [c.targetName, stateOf(c)._model_name, c.openMetadata]),
    [
      ["jupyter.widget", "SliderStyleModel", { version: "2.1.0" }],
      ["jupyter.widget", "LayoutModel", { version: "2.1.0" }],
      ["jupyter.widget", "IntSliderModel", { version: "2.1.0" }],
    ],
  );
  const [styleComm, layoutComm, sliderComm] = channel.comms as [FakeComm, FakeComm, FakeComm];
  assert.equal(s.modelId, sliderComm.commId);
  assert.deepEqual(sliderComm.openData, {
    state: {
      _model_module: "@jupyter-widgets/controls",
      _model_module_version: "2.0.0",
      _model_name: "IntSliderModel",
      _view_count: null,
      _view_module: "@jupyter-widgets/controls",
      _view_module_version: "2.0.0",
      _view_name: "IntSliderView",
      _dom_classes: [],
      description: "k",
      description_allow_html: false,
      disabled: false,
      layout: `IPY_MODEL_${layoutComm.commId}`,
      style: `IPY_MODEL_${styleComm.commId}`,
      tabbable: null,
      tooltip: null,
      behavior: "drag-tap",
      continuous_update: true,
      max: 10,
      min: 0,
      orientation: "horizontal",
      readout: true,
      readout_format: "d",
      step: 1,
      value: 3,
    },
    buffer_paths: [],
  });
  assert.deepEqual(stateOf(layoutComm)._model_module, "@jupyter-widgets/base");
  assert.deepEqual(stateOf(styleComm)._view_module, "@jupyter-widgets/base");
});

test("the display bundle is a widget view with HTML and text fallbacks", () => {
  kernel();
  const s = new FloatSlider({ min: 0, max: 1, step: 0.1, value: 0.5, description: "lr" });
  const b = s[DISPLAY]() as Record<string, unknown>;
  assert.deepEqual(b[WIDGET_VIEW_MIME], {
    version_major: 2,
    version_minor: 0,
    model_id: s.modelId,
  });
  assert.match(
    b["text/plain"] as string,
    /^FloatSlider\(value=0\.5, min=0, max=1, step=0\.1, description="lr"\)\n\(Interactive controls need a Jupyter front end with widgets/,
  );
  assert.match(
    b["text/html"] as string,
    /<input type="range" disabled min="0" max="1" step="0.1" value="0.5"\/>/,
  );
});

test("front-end updates change state, notify observers and are echoed; request_state gets the full state", () => {
  const channel = kernel();
  const s = new IntSlider({ max: 10 });
  const comm = channel.comms.at(-1)!;
  const seen: unknown[] = [];
  s.observe("value", (v, old) => seen.push([v, old]));
  comm.receive({ method: "update", state: { value: 7 }, buffer_paths: [] });
  assert.equal(s.value, 7);
  assert.deepEqual(seen, [[7, 0]]);
  assert.deepEqual(comm.sent.at(-1)!.data, {
    method: "echo_update",
    state: { value: 7 },
    buffer_paths: [],
  });
  comm.receive({ method: "request_state" });
  const reply = comm.sent.at(-1)!.data as { method: string; state: Record<string, unknown> };
  assert.equal(reply.method, "update");
  assert.equal(reply.state.value, 7);
  assert.equal(reply.state._model_name, "IntSliderModel");
  s.value = 2;
  assert.deepEqual(comm.sent.at(-1)!.data, {
    method: "update",
    state: { value: 2 },
    buffer_paths: [],
  });
});

test("Dropdown syncs an index over labels; Button runs click handlers", () => {
  const channel = kernel();
  const d = new Dropdown(
    [
      ["ReLU", 1],
      ["Tanh", 2],
    ],
    { value: 2 },
  );
  const comm = channel.comms.at(-1)!;
  assert.deepEqual([stateOf(comm)._options_labels, stateOf(comm).index], [["ReLU", "Tanh"], 1]);
  comm.receive({ method: "update", state: { index: 0 } });
  assert.equal(d.value, 1);
  assert.throws(() => new Dropdown(["a"], { value: "b" }), LecternError);
  const b = new Button({ description: "go" });
  let clicks = 0;
  b.onClick(() => clicks++);
  channel.comms.at(-1)!.receive({ method: "custom", content: { event: "click" } });
  assert.equal(clicks, 1);
});

test("Output widgets hold display_data outputs set from the kernel", async () => {
  const channel = kernel();
  const out = new Output();
  const comm = channel.comms.at(-1)!;
  assert.deepEqual(
    [stateOf(comm)._model_module, stateOf(comm)._model_module_version, stateOf(comm)._view_name],
    ["@jupyter-widgets/output", "1.0.0", "OutputView"],
  );
  await out.show(markdown("*hi*"));
  assert.deepEqual(comm.sent.at(-1)!.data, {
    method: "update",
    state: {
      outputs: [
        {
          output_type: "display_data",
          data: { "text/markdown": "*hi*", "text/plain": "*hi*" },
          metadata: {},
        },
      ],
    },
    buffer_paths: [],
  });
  out.clear();
  assert.deepEqual(comm.sent.at(-1)!.data, {
    method: "update",
    state: { outputs: [] },
    buffer_paths: [],
  });
});

test("interactive builds controls from abbreviations and re-renders on every change", async () => {
  const channel = kernel();
  const calls: unknown[] = [];
  const it = interactive(
    (v: { n: number; lr: number; act: string; norm: boolean }) => {
      calls.push(v);
      return `n=${v.n} lr=${v.lr} act=${v.act} norm=${v.norm}`;
    },
    { n: [1, 9], lr: [0, 1, 0.25], act: ["relu", "tanh"], norm: true },
  );
  await it.update();
  assert.deepEqual(
    Object.values(it.controls).map((c) => c.get("_model_name")),
    ["IntSliderModel", "FloatSliderModel", "DropdownModel", "CheckboxModel"],
  );
  assert.deepEqual(it.values, { n: 5, lr: 0.5, act: "relu", norm: true });
  const sliderComm = channel.comms.find((c) => c.commId === it.controls.n!.modelId)!;
  sliderComm.receive({ method: "update", state: { value: 8 } });
  await it.update();
  const outComm = channel.comms.find((c) => c.commId === it.output.modelId)!;
  const last = outComm.sent
    .filter((m) => (m.data as { method: string }).method === "update")
    .at(-1)!.data as {
    state: { outputs: { data: Record<string, string> }[] };
  };
  assert.equal(last.state.outputs[0]!.data["text/plain"], "n=8 lr=0.5 act=relu norm=true");
  const box = (await it[DISPLAY]()) as Record<string, unknown>;
  assert.deepEqual(box[WIDGET_VIEW_MIME], {
    version_major: 2,
    version_minor: 0,
    model_id: it.box.modelId,
  });
  assert.ok(it.box instanceof VBox);
});

test("without a widget front end interact shows the first result statically with a note", async () => {
  const written = await captureStdout(() =>
    interact(({ k }: { k: number }) => `k squared is ${k * k}`, { k: 3 }),
  );
  assert.equal(written.length, 1);
  assert.match(written[0]!, /IntSlider\(value=3, min=-3, max=9, step=1, description="k"\)/);
  assert.match(written[0]!, /k squared is 9/);
  assert.match(written[0]!, /need a Jupyter front end with widgets/);
});

test("errors in the function show in the output instead of breaking the controls", async () => {
  kernel();
  const it = interactive(
    ({ x }: { x: number }) => {
      if (x > 0) throw new RangeError("too big");
      return "ok";
    },
    { x: [0, 2] },
  );
  await it.update();
  assert.match(it.output.describe(), /RangeError: too big/);
  assert.throws(
    () => interactive(() => 0, { x: { bad: true } as never }),
    /cannot make a control for "x"/,
  );
});

test("interact infers each value's type from its control (checked by the compiler)", async () => {
  kernel();
  const it = interactive(
    ({ n, act, on }) => {
      const k: number = n;
      const a: "relu" | "tanh" = act;
      const b: boolean = on;
      return `${k} ${a} ${b}`;
    },
    { n: [1, 5], act: ["relu", "tanh"], on: false },
  );
  await it.update();
  assert.equal(it.output.describe(), "3 relu false");
});
