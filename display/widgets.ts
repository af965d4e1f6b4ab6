/**
 * Jupyter widgets spoken from the kernel side: each widget is a model kept
 * in sync with the front end over a comm (widget message protocol 2.1.0,
 * target `jupyter.widget`), using the standard `@jupyter-widgets/controls`
 * 2.0 models that JupyterLab, Notebook 7 and VS Code render with ipywidgets
 * 8 installed. A widget displays as `application/vnd.jupyter.widget-view+json`
 * with an HTML and text fallback that shows its current state and says
 * that the controls need a widget front end.
 */
import { ValueError } from "../tensor/errors.js";
import type { Comm, MimeBundle } from "./channel.js";
import { displayChannel } from "./channel.js";
import { bundleOf, DISPLAY, type Displayable, escapeHtml, uniqueId } from "./mime.js";
import { show } from "./show.js";

/** The widget message protocol version (comm_open metadata). */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The MIME type a front end renders a widget view from. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

const CONTROLS = "@jupyter-widgets/controls";
const BASE = "@jupyter-widgets/base";
const OUTPUT = "@jupyter-widgets/output";

const NO_FRONTEND_NOTE =
  "Interactive controls need a Jupyter front end with widgets (ipywidgets 8); showing the current state.";

type State = Record<string, unknown>;

/** Which front-end model and view a widget is (the `_model_*`/`_view_*` keys). */
interface ModelSpec {
  model: string;
  view: string;
  module?: string;
  version?: string;
  viewModule?: string;
  viewVersion?: string;
}

function modelKeys(spec: ModelSpec): State {
  const module = spec.module ?? CONTROLS;
  const version = spec.version ?? "2.0.0";
  return {
    _model_module: module,
    _model_module_version: version,
    _model_name: spec.model,
    _view_count: null,
    _view_module: spec.viewModule ?? module,
    _view_module_version: spec.viewVersion ?? version,
    _view_name: spec.view,
  };
}

/** A front-end message on a widget comm. */
interface WidgetMessage {
  method?: string;
  state?: State;
  content?: unknown;
}

/**
 * A widget model. Subclasses set their model/view names and state; `set`
 * syncs a change to the front end, `observe` reacts to changes from it.
 *
 * @example
 * const s = new display.IntSlider({ min: 0, max: 10, value: 3, description: "k" });
 * s.observe("value", (v) => console.log("k =", v));
 * s; // shows the slider
 */
export class Widget implements Displayable {
  readonly modelId: string;
  protected readonly state: State;
  private readonly comm: Comm | undefined;
  private readonly observers = new Map<string, ((value: unknown, old: unknown) => void)[]>();
  private readonly customHandlers: ((content: unknown) => void)[] = [];

  constructor(spec: ModelSpec, state: State) {
    this.state = { ...modelKeys(spec), ...state };
    const channel = displayChannel();
    if (channel) {
      this.comm = channel.openComm(
        WIDGET_TARGET,
        { state: this.state, buffer_paths: [] },
        { version: WIDGET_PROTOCOL_VERSION },
      );
      this.modelId = this.comm.commId;
      this.comm.onMessage((data) => this.receive(data as WidgetMessage));
    } else {
      this.modelId = uniqueId("widget");
    }
  }

  /** The reference other widgets use for this one (`children`, `layout`). */
  get ref(): string {
    return `IPY_MODEL_${this.modelId}`;
  }

  /** A state value. */
  get(key: string): unknown {
    return this.state[key];
  }

  /** Changes state here and in every front end showing the widget. */
  setState(changes: State): void {
    this.apply(changes);
    this.comm?.send({ method: "update", state: changes, buffer_paths: [] });
  }

  /**
   * Calls `fn(value, old)` whenever `key` changes (from the front end or `set`).
   *
   * @example
   * slider.observe("value", (v) => redraw(v as number));
   */
  observe(key: string, fn: (value: unknown, old: unknown) => void): void {
    this.observers.set(key, [...(this.observers.get(key) ?? []), fn]);
  }

  /** Handles custom messages from the front end (a Button's click). */
  protected onCustom(fn: (content: unknown) => void): void {
    this.customHandlers.push(fn);
  }

  /** Closes the comm; the front end removes the widget's views. */
  close(): void {
    this.comm?.close();
  }

  private apply(changes: State): void {
    for (const [key, value] of Object.entries(changes)) {
      const old = this.state[key];
      this.state[key] = value;
      if (old !== value) for (const fn of this.observers.get(key) ?? []) fn(value, old);
    }
  }

  private receive(msg: WidgetMessage): void {
    if (msg.method === "update" && msg.state) {
      this.apply(msg.state);
      // Protocol 2.1.0: echo accepted updates so every other view of the model agrees.
      this.comm?.send({ method: "echo_update", state: msg.state, buffer_paths: [] });
    } else if (msg.method === "request_state") {
      this.comm?.send({ method: "update", state: this.state, buffer_paths: [] });
    } else if (msg.method === "custom") {
      for (const fn of this.customHandlers) fn(msg.content);
    }
  }

  /** Text for front ends without widgets. */
  describe(): string {
    return `${String(this.state._model_name).replace(/Model$/, "")}()`;
  }

  /** Static HTML for front ends without widgets. */
  staticHtml(): string {
    return `<code>${escapeHtml(this.describe())}</code>`;
  }

  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    const bundle: MimeBundle = {
      "text/plain": `${this.describe()}\n(${NO_FRONTEND_NOTE})`,
      "text/html": `<div class="lectern-widget-fallback">${this.staticHtml()}<div style="color:#888;font-size:11px">${escapeHtml(NO_FRONTEND_NOTE)}</div></div>`,
    };
    if (this.comm)
      bundle[WIDGET_VIEW_MIME] = { version_major: 2, version_minor: 0, model_id: this.modelId };
    return bundle;
  }
}

/** The CSS layout model every DOM widget references (all properties unset). */
class Layout extends Widget {
  constructor() {
    super({ model: "LayoutModel", view: "LayoutView", module: BASE }, {});
  }
}

function style(model: string, extra: State = {}): Widget {
  return new Widget(
    { model, view: "StyleView", viewModule: BASE },
    { description_width: "", ...extra },
  );
}

function domState(description: string, styleModel: Widget): State {
  return {
    _dom_classes: [],
    description,
    description_allow_html: false,
    disabled: false,
    layout: new Layout().ref,
    style: styleModel.ref,
    tabbable: null,
    tooltip: null,
  };
}

/** Options of the sliders. */
export interface SliderOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  description?: string;
  continuousUpdate?: boolean;
}

abstract class Slider extends Widget {
  constructor(
    kind: "Int" | "Float",
    o: SliderOptions,
    defaults: Required<Pick<SliderOptions, "min" | "max" | "step">>,
    readout: string,
  ) {
    const min = o.min ?? defaults.min;
    const max = o.max ?? defaults.max;
    const step = o.step ?? defaults.step;
    if (!(max >= min)) throw new ValueError(`${kind}Slider: max (${max}) must be >= min (${min})`);
    if (!(step > 0)) throw new ValueError(`${kind}Slider: step must be positive, got ${step}`);
    super(
      { model: `${kind}SliderModel`, view: `${kind}SliderView` },
      {
        ...domState(o.description ?? "", style("SliderStyleModel", { handle_color: null })),
        behavior: "drag-tap",
        continuous_update: o.continuousUpdate ?? true,
        max,
        min,
        orientation: "horizontal",
        readout: true,
        readout_format: readout,
        step,
        value: Math.min(max, Math.max(min, o.value ?? min)),
      },
    );
  }

  get value(): number {
    return this.get("value") as number;
  }

  set value(v: number) {
    this.setState({ value: v });
  }

  override describe(): string {
    const s = this.state;
    return `${String(s._model_name).replace(/Model$/, "")}(value=${s.value}, min=${s.min}, max=${s.max}, step=${s.step}${s.description ? `, description="${s.description}"` : ""})`;
  }

  override staticHtml(): string {
    const s = this.state;
    return `<label style="font-family:sans-serif;font-size:13px">${escapeHtml(String(s.description))} <input type="range" disabled min="${s.min}" max="${s.max}" step="${s.step}" value="${s.value}"/> ${escapeHtml(String(s.value))}</label>`;
  }
}

/**
 * An integer slider (`@jupyter-widgets/controls` IntSliderModel).
 *
 * @example
 * new display.IntSlider({ min: 1, max: 16, value: 4, description: "channel" });
 */
export class IntSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("Int", options, { min: 0, max: 100, step: 1 }, "d");
  }
}

/**
 * A float slider (FloatSliderModel).
 *
 * @example
 * new display.FloatSlider({ min: 1e-4, max: 1, step: 1e-4, value: 0.01, description: "lr" });
 */
export class FloatSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("Float", options, { min: 0, max: 10, step: 0.1 }, ".2f");
  }
}

/**
 * A dropdown of labelled options (DropdownModel); `value` is the chosen option.
 *
 * @example
 * new display.Dropdown(["relu", "tanh", "sigmoid"], { description: "activation" });
 */
export class Dropdown<T = string> extends Widget {
  readonly options: [string, T][];

  constructor(options: readonly (readonly [string, T])[], o?: { value?: T; description?: string });
  constructor(options: readonly T[], o?: { value?: T; description?: string });
  constructor(options: readonly unknown[], o: { value?: T; description?: string } = {}) {
    if (options.length === 0) throw new ValueError("Dropdown: needs at least one option");
    const pairs = options.map((opt) =>
      Array.isArray(opt) && opt.length === 2 && typeof opt[0] === "string"
        ? (opt as [string, T])
        : ([String(opt), opt as T] as [string, T]),
    );
    const index = o.value === undefined ? 0 : pairs.findIndex(([, v]) => v === o.value);
    if (index < 0)
      throw new ValueError(`Dropdown: value ${String(o.value)} is not one of the options`);
    super(
      { model: "DropdownModel", view: "DropdownView" },
      {
        ...domState(o.description ?? "", style("DescriptionStyleModel")),
        _options_labels: pairs.map(([l]) => l),
        index,
      },
    );
    this.options = pairs;
  }

  get value(): T {
    return this.options[this.get("index") as number]![1];
  }

  override describe(): string {
    return `Dropdown(value=${this.options[this.get("index") as number]![0]}, options=[${this.options.map(([l]) => l).join(", ")}])`;
  }

  override staticHtml(): string {
    const i = this.get("index") as number;
    const opts = this.options
      .map(([l], k) => `<option${k === i ? " selected" : ""}>${escapeHtml(l)}</option>`)
      .join("");
    return `<label style="font-family:sans-serif;font-size:13px">${escapeHtml(String(this.get("description")))} <select disabled>${opts}</select></label>`;
  }
}

/**
 * A checkbox (CheckboxModel).
 *
 * @example
 * new display.Checkbox({ value: true, description: "normalize" });
 */
export class Checkbox extends Widget {
  constructor(o: { value?: boolean; description?: string } = {}) {
    super(
      { model: "CheckboxModel", view: "CheckboxView" },
      {
        ...domState(o.description ?? "", style("CheckboxStyleModel", { background: null })),
        indent: true,
        value: o.value ?? false,
      },
    );
  }

  get value(): boolean {
    return this.get("value") as boolean;
  }

  override describe(): string {
    return `Checkbox(value=${this.value}, description="${this.get("description")}")`;
  }

  override staticHtml(): string {
    return `<label style="font-family:sans-serif;font-size:13px"><input type="checkbox" disabled${this.value ? " checked" : ""}/> ${escapeHtml(String(this.get("description")))}</label>`;
  }
}

/**
 * A button (ButtonModel); `onClick` runs when it is pressed.
 *
 * @example
 * const b = new display.Button({ description: "resample" });
 * b.onClick(() => out.show(display.grid(sample())));
 */
export class Button extends Widget {
  constructor(o: { description?: string } = {}) {
    super(
      { model: "ButtonModel", view: "ButtonView" },
      {
        ...domState(
          o.description ?? "",
          new Widget(
            { model: "ButtonStyleModel", view: "StyleView", viewModule: BASE },
            { button_color: null, font_weight: "" },
          ),
        ),
        button_style: "",
        icon: "",
      },
    );
  }

  /** Runs `fn` on every click. */
  onClick(fn: () => void): void {
    this.onCustom((content) => {
      if ((content as { event?: string } | undefined)?.event === "click") fn();
    });
  }

  override describe(): string {
    return `Button(description="${this.get("description")}")`;
  }
}

/**
 * A text label (LabelModel).
 *
 * @example
 * new display.Label("epoch 3");
 */
export class Label extends Widget {
  constructor(value: string) {
    super(
      { model: "LabelModel", view: "LabelView" },
      {
        ...domState(
          "",
          style("LabelStyleModel", {
            background: null,
            font_family: null,
            font_size: null,
            font_style: null,
            font_variant: null,
            font_weight: null,
            text_color: null,
            text_decoration: null,
          }),
        ),
        placeholder: "​",
        value,
      },
    );
  }

  override describe(): string {
    return String(this.get("value"));
  }
}

/**
 * An area showing display outputs (OutputModel), replaced from the kernel:
 * `show(x)` shows `x` alone, `append(x)` adds it, `clear()` empties it.
 *
 * @example
 * const out = new display.Output();
 * out.show(display.image(t));
 */
export class Output extends Widget {
  private lastBundle: MimeBundle | undefined;

  constructor() {
    super(
      { model: "OutputModel", view: "OutputView", module: OUTPUT, version: "1.0.0" },
      { _dom_classes: [], layout: new Layout().ref, msg_id: "", outputs: [] },
    );
  }

  /** Replaces the contents with `value`'s display. */
  async show(value: unknown): Promise<void> {
    const bundle = await bundleOf(value);
    this.lastBundle = bundle;
    this.setState({ outputs: [{ output_type: "display_data", data: bundle, metadata: {} }] });
  }

  /** Adds `value`'s display below the current contents. */
  async append(value: unknown): Promise<void> {
    const bundle = await bundleOf(value);
    this.lastBundle = bundle;
    this.setState({
      outputs: [
        ...(this.get("outputs") as unknown[]),
        { output_type: "display_data", data: bundle, metadata: {} },
      ],
    });
  }

  /** Empties the output area. */
  clear(): void {
    this.lastBundle = undefined;
    this.setState({ outputs: [] });
  }

  override describe(): string {
    return String(this.lastBundle?.["text/plain"] ?? "");
  }

  override staticHtml(): string {
    const b = this.lastBundle;
    if (!b) return "";
    if (typeof b["image/svg+xml"] === "string") return b["image/svg+xml"];
    if (typeof b["image/png"] === "string")
      return `<img src="data:image/png;base64,${b["image/png"]}"/>`;
    if (typeof b["text/html"] === "string") return b["text/html"];
    return `<pre>${escapeHtml(String(b["text/plain"] ?? ""))}</pre>`;
  }
}

abstract class Box extends Widget {
  constructor(
    kind: "VBox" | "HBox",
    readonly children: Widget[],
  ) {
    super(
      { model: `${kind}Model`, view: `${kind}View` },
      {
        _dom_classes: [],
        box_style: "",
        children: children.map((c) => c.ref),
        layout: new Layout().ref,
        tabbable: null,
        tooltip: null,
      },
    );
  }

  override describe(): string {
    return this.children.map((c) => c.describe()).join("\n");
  }

  override staticHtml(): string {
    const dir = this.get("_model_name") === "HBoxModel" ? "row" : "column";
    return `<div style="display:flex;flex-direction:${dir};gap:4px">${this.children.map((c) => `<div>${c.staticHtml()}</div>`).join("")}</div>`;
  }
}

/**
 * Widgets stacked vertically (VBoxModel).
 *
 * @example
 * new display.VBox([slider, out]);
 */
export class VBox extends Box {
  constructor(children: Widget[]) {
    super("VBox", children);
  }
}

/**
 * Widgets side by side (HBoxModel).
 *
 * @example
 * new display.HBox([lrSlider, momentumSlider]);
 */
export class HBox extends Box {
  constructor(children: Widget[]) {
    super("HBox", children);
  }
}

/**
 * How `interact` builds a control, like ipywidgets' abbreviations:
 * `[min, max]` or `[min, max, step]` → slider (integer if all are integers),
 * `{ min, max, step, value }` → slider, a number `n` → slider over
 * [-n, 3n] starting at n, a list of strings → dropdown, a boolean →
 * checkbox, or any widget with a `value`.
 */
export type ControlSpec =
  | number
  | boolean
  | readonly [number, number]
  | readonly [number, number, number]
  | SliderOptions
  | readonly string[]
  | Widget;

/** The value a control made from spec `S` gives the function. */
export type ControlValue<S> = S extends boolean
  ? boolean
  : S extends number | readonly [number, number] | readonly [number, number, number] | SliderOptions
    ? number
    : S extends readonly (infer T extends string)[]
      ? T
      : S extends { readonly value: infer V }
        ? V
        : unknown;

/** The values object `interact` passes: one entry per control. */
export type ControlValues<S extends Record<string, ControlSpec>> = {
  [K in keyof S]: ControlValue<S[K]>;
};

function isStringList(x: unknown): x is readonly string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}

function controlFor(name: string, spec: ControlSpec): Widget {
  if (spec instanceof Widget) return spec;
  if (typeof spec === "boolean") return new Checkbox({ value: spec, description: name });
  if (typeof spec === "number") {
    const int = Number.isInteger(spec);
    const o = {
      value: spec,
      min: spec > 0 ? -spec : 3 * spec,
      max: spec > 0 ? 3 * spec : -spec,
      description: name,
    };
    if (spec === 0) Object.assign(o, { min: 0, max: 1 });
    return int ? new IntSlider(o) : new FloatSlider({ ...o, step: (o.max - o.min) / 100 });
  }
  if (isStringList(spec)) return new Dropdown(spec, { description: name });
  if (
    Array.isArray(spec) &&
    (spec.length === 2 || spec.length === 3) &&
    spec.every((x) => typeof x === "number")
  ) {
    const [min, max, step] = spec as number[];
    const int = [min, max, step ?? 1].every(Number.isInteger);
    const o = {
      min: min!,
      max: max!,
      description: name,
      value: int ? Math.round((min! + max!) / 2) : (min! + max!) / 2,
    };
    return int
      ? new IntSlider({ ...o, step: step ?? 1 })
      : new FloatSlider({ ...o, step: step ?? (max! - min!) / 100 });
  }
  const sliderKeys = ["value", "min", "max", "step", "description", "continuousUpdate"];
  if (
    typeof spec === "object" &&
    spec !== null &&
    !Array.isArray(spec) &&
    Object.keys(spec).every((k) => sliderKeys.includes(k))
  ) {
    const o = spec as SliderOptions;
    const int = [o.min ?? 0, o.max ?? 100, o.step ?? 1, o.value ?? 0].every(Number.isInteger);
    return int
      ? new IntSlider({ ...o, description: o.description ?? name })
      : new FloatSlider({ ...o, description: o.description ?? name });
  }
  throw new ValueError(
    `interact: cannot make a control for "${name}" from ${JSON.stringify(spec)}; use [min, max], a list of strings, a boolean or a widget`,
  );
}

/**
 * Controls from `interact`, a function's output and the box holding both.
 *
 * @example
 * const it = display.interactive(({ k }) => k * k, { k: [0, 10] });
 * it.values; // { k: 5 }
 */
export class Interactive<S extends Record<string, ControlSpec>> implements Displayable {
  readonly controls: Record<string, Widget>;
  readonly output = new Output();
  readonly box: VBox;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly fn: (values: ControlValues<S>) => unknown,
    spec: S,
  ) {
    this.controls = Object.fromEntries(
      Object.entries(spec).map(([name, s]) => [name, controlFor(name, s as ControlSpec)]),
    );
    this.box = new VBox([...Object.values(this.controls), this.output]);
    for (const c of Object.values(this.controls))
      c.observe(c instanceof Dropdown ? "index" : "value", () => this.update());
    this.update();
  }

  /** The controls' current values. */
  get values(): ControlValues<S> {
    return Object.fromEntries(
      Object.entries(this.controls).map(([n, c]) => [
        n,
        (c as unknown as { value: unknown }).value,
      ]),
    ) as ControlValues<S>;
  }

  /** Re-runs the function with the current values and shows its result. */
  update(): Promise<void> {
    const values = this.values;
    this.pending = this.pending.then(async () => {
      try {
        const result = await this.fn(values);
        if (result === undefined) this.output.clear();
        else await this.output.show(result);
      } catch (err) {
        await this.output.show(`${(err as Error).name}: ${(err as Error).message}`);
      }
    });
    return this.pending;
  }

  async [DISPLAY](): Promise<MimeBundle> {
    await this.pending;
    return this.box[DISPLAY]();
  }
}

/**
 * Controls for a function's arguments, re-running it on every change and
 * showing what it returns (like ipywidgets' `interactive`). Displays when it
 * is the cell's value; `display.interact` shows it at once.
 *
 * @example
 * display.interactive(({ channel }) => display.image(maps.select(1, channel)), { channel: [0, 15] });
 */
export function interactive<const S extends Record<string, ControlSpec>>(
  fn: (values: ControlValues<S>) => unknown,
  controls: S,
): Interactive<S> {
  return new Interactive(fn, controls);
}

/**
 * Shows controls for `fn`'s arguments now and re-renders its result whenever
 * one changes. Without a widget front end the first result shows statically
 * with a note.
 *
 * @example
 * display.interact(({ lr, activation }) => trainAndPlot(lr, activation), {
 *   lr: { min: 1e-4, max: 0.1, step: 1e-4, value: 0.01 },
 *   activation: ["relu", "tanh"],
 * });
 */
export function interact<const S extends Record<string, ControlSpec>>(
  fn: (values: ControlValues<S>) => unknown,
  controls: S,
): Promise<void> {
  return show(interactive(fn, controls));
}
