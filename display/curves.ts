/**
 * Live training curves: `display.trainingCurves()` returns a chart that a
 * training loop feeds with `.log({...})`. The chart is one display updated
 * in place (update_display_data), at most ~10 times a second whatever the
 * logging rate, and its last update is always the final state, so the saved
 * notebook keeps the finished curves (plotly JSON + static SVG).
 */
import { ValueError } from "../tensor/errors.js";
import type { MimeBundle } from "./channel.js";
import { displayChannel } from "./channel.js";
import { palette } from "./colormap.js";
import type { Layout, ScatterTrace } from "./figure.js";
import { DISPLAY, type Displayable, uniqueId } from "./mime.js";
import { Figure } from "./plot.js";
import { gridLayout, panelAxes } from "./subplots.js";
import { downsample } from "./svgchart.js";
import { type Clock, systemClock, Throttle } from "./throttle.js";
import { isTensorLike, readValues, type TensorLike } from "./values.js";

/** One logged point: `epoch` or `step` is the x value; every other number is a metric. */
export type CurvePoint = Record<string, number>;

/** What `log` accepts: numbers, or one-element CPU tensors (a loss) read as their value. */
export type CurveInput = Record<string, number | TensorLike>;

/** Options for `display.trainingCurves`. */
export interface TrainingCurvesOptions {
  title?: string;
  /** Logarithmic y axis for the loss panel. */
  logLoss?: boolean;
  /** Minimum time between updates, in ms (default 100: ≤ 10 updates/s). */
  intervalMs?: number;
  /** Time source (tests drive a fake clock). */
  clock?: Clock;
}

/** Most points per metric sent to the front end (see `downsample`). */
const MAX_POINTS = 2000;

const PANELS: { title: string; match: RegExp }[] = [
  { title: "loss", match: /loss/i },
  { title: "accuracy", match: /acc/i },
  { title: "learning rate", match: /^lr$|learning.?rate/i },
];

function panelOf(metric: string): string {
  return PANELS.find((p) => p.match.test(metric))?.title ?? "other";
}

function numberOf(key: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (isTensorLike(v) && v.shape.reduce((a, b) => a * b, 1) === 1) {
    return readValues(`trainingCurves.log "${key}"`, v).data[0]!;
  }
  throw new ValueError(
    `trainingCurves.log: "${key}" must be a number or a one-element tensor, got ${isTensorLike(v) ? `a tensor of shape [${v.shape.join(", ")}]` : typeof v}`,
  );
}

function formatValue(v: number): string {
  return Number.isInteger(v)
    ? String(v)
    : Math.abs(v) < 1e-3 && v !== 0
      ? v.toExponential(3)
      : v.toFixed(4);
}

/**
 * A live chart of training metrics. Metrics whose names contain "loss",
 * "acc" or are "lr" get their own panels; `valLoss` sits beside `loss`.
 *
 * @example
 * const curves = display.trainingCurves({ title: "MLP on MNIST" });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   curves.log({ epoch, loss: trainLoss, valLoss, acc, lr: sched.getLastLr()[0] });
 * }
 * curves.close(); // optional: sends the final state now
 */
export class TrainingCurves implements Displayable {
  /** Every logged point, in order. */
  readonly history: CurvePoint[] = [];
  readonly displayId = uniqueId("lectern-curves");
  private shown = false;
  private readonly throttle: Throttle;

  constructor(readonly options: TrainingCurvesOptions = {}) {
    this.throttle = new Throttle(
      () => this.emit(),
      options.intervalMs ?? 100,
      options.clock ?? systemClock,
    );
  }

  /**
   * Records one point and schedules a redraw.
   *
   * @example
   * curves.log({ epoch: 3, loss: 0.41, valLoss: 0.48 });
   * curves.log({ step, loss }); // a one-element CPU tensor is read for you
   */
  log(point: CurveInput): void {
    const values: CurvePoint = {};
    for (const [k, v] of Object.entries(point)) values[k] = numberOf(k, v);
    this.history.push(values);
    this.throttle.request();
  }

  /** Sends the latest state now instead of at the end of the current interval. */
  flush(): void {
    this.throttle.flush();
  }

  /** Sends the final state; further `log` calls still work. */
  close(): void {
    this.flush();
  }

  /** The x value of a point: its epoch, else its step, else its index. */
  private xOf(p: CurvePoint, i: number): number {
    return p.epoch ?? p.step ?? i;
  }

  /** The current chart as a plotly figure, one panel per metric family. */
  figure(): Figure {
    const metrics = [...new Set(this.history.flatMap((p) => Object.keys(p)))].filter(
      (k) => k !== "epoch" && k !== "step",
    );
    const panels = [...new Set(metrics.map(panelOf))];
    const xLabel = this.history.some((p) => p.epoch !== undefined) ? "epoch" : "step";
    const layout: Layout = {
      ...gridLayout(panels, panels.length),
      width: Math.max(640, 330 * panels.length),
      height: 340,
      showlegend: true,
      margin: { t: 50 },
      ...(this.options.title ? { title: { text: this.options.title } } : {}),
    };
    panels.forEach((panel, i) => {
      const n = i === 0 ? "" : String(i + 1);
      layout[`xaxis${n}`] = { ...layout[`xaxis${n}`], title: { text: xLabel } };
      if (panel === "loss" && this.options.logLoss)
        layout[`yaxis${n}`] = { ...layout[`yaxis${n}`], type: "log" };
    });
    const data: ScatterTrace[] = metrics.map((m, i) => {
      const all = this.history
        .map((p, j) => [this.xOf(p, j), p[m]] as const)
        .filter(([, v]) => v !== undefined);
      // Long runs log per step: the chart keeps the curve's shape in a few
      // thousand points so each live update stays small.
      const pts = downsample(
        all.map(([x]) => x),
        all.map(([, v]) => v!),
        MAX_POINTS,
      );
      const isVal = /^val/i.test(m);
      return {
        type: "scatter",
        mode: pts.y.length < 30 ? "lines+markers" : "lines",
        name: m,
        x: pts.x,
        y: pts.y,
        line: { color: palette[i % palette.length]!, ...(isVal ? { dash: "dash" as const } : {}) },
        marker: { size: 5 },
        ...panelAxes(panels.indexOf(panelOf(m))),
      };
    });
    return new Figure(data, layout);
  }

  /** One text line for the latest point, e.g. `epoch 3  loss 0.4100  valLoss 0.4800`. */
  summary(): string {
    const last = this.history.at(-1);
    if (!last) return "training curves: nothing logged yet";
    return Object.entries(last)
      .map(([k, v]) => `${k} ${formatValue(v)}`)
      .join("  ");
  }

  private bundleWith(figureBundle: MimeBundle): MimeBundle {
    return {
      ...figureBundle,
      "text/plain": `training curves (${this.history.length} points): ${this.summary()}`,
    };
  }

  private emit(): void {
    const channel = displayChannel();
    if (!channel) {
      process.stdout.write(`${this.summary()}\n`);
      return;
    }
    const fig = this.figure();
    if (this.shown) channel.update(this.displayId, this.bundleWith(fig.bundle()), {});
    else {
      channel.display(this.bundleWith(fig[DISPLAY]()), {}, this.displayId);
      this.shown = true;
    }
  }

  [DISPLAY](): MimeBundle {
    return this.bundleWith(this.figure()[DISPLAY]());
  }
}

/**
 * Starts a live training-curves chart (see `TrainingCurves`).
 *
 * @example
 * const curves = display.trainingCurves();
 * curves.log({ epoch: 0, loss: 2.3, acc: 0.11 });
 */
export function trainingCurves(options: TrainingCurvesOptions = {}): TrainingCurves {
  return new TrainingCurves(options);
}
