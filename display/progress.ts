/**
 * Progress bars for long loops, like tqdm: an HTML bar updated in place in a
 * notebook (throttled like every live display), a `\r`-redrawn text bar on a
 * terminal, and a single final line when output is not a terminal (CI logs).
 */
import { ValueError } from "../tensor/errors.js";
import type { MimeBundle } from "./channel.js";
import { displayChannel } from "./channel.js";
import { DISPLAY, type Displayable, escapeHtml, uniqueId } from "./mime.js";
import { type Clock, systemClock, Throttle } from "./throttle.js";

/** Options for `display.progress`. */
export interface ProgressOptions {
  /** Text before the bar, e.g. "epoch 3". */
  description?: string;
  /** Number of steps, when the iterable has no `length` or `size`. */
  total?: number;
  /** Minimum time between redraws in ms (default 100). */
  intervalMs?: number;
  /** Where the text bar goes outside a notebook (default process.stderr, like tqdm). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  clock?: Clock;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

function sizeOf(source: unknown): number | undefined {
  if (source === null || typeof source !== "object") return undefined;
  const o = source as { length?: unknown; size?: unknown };
  if (typeof o.length === "number") return o.length;
  if (typeof o.size === "number") return o.size;
  return undefined;
}

/**
 * A progress bar. Iterate it (sync or `for await`) to wrap a loop, or call
 * `update(n)` yourself and `close()` at the end.
 *
 * @example
 * for (const batch of display.progress(loader, { description: "epoch 1" })) train(batch);
 * const bar = display.progress(100);
 * for (let i = 0; i < 100; i++) bar.update();
 * bar.close();
 */
export class ProgressBar<T = number> implements Displayable, Iterable<T>, AsyncIterable<T> {
  /** Steps done so far. */
  n = 0;
  readonly total: number | undefined;
  description: string;
  readonly displayId = uniqueId("lectern-progress");
  private readonly clock: Clock;
  private readonly start: number;
  private readonly throttle: Throttle;
  private shown = false;
  private closed = false;

  constructor(
    private readonly source: Iterable<T> | AsyncIterable<T> | undefined,
    readonly options: ProgressOptions = {},
  ) {
    this.total = options.total ?? sizeOf(source);
    if (this.total !== undefined && (!Number.isFinite(this.total) || this.total < 0)) {
      throw new ValueError(`progress: total must be a non-negative number, got ${this.total}`);
    }
    this.description = options.description ?? "";
    this.clock = options.clock ?? systemClock;
    this.start = this.clock.now();
    this.throttle = new Throttle(() => this.emit(), options.intervalMs ?? 100, this.clock);
  }

  /** Advances by `n` steps (default 1). */
  update(n = 1): void {
    this.n += n;
    this.throttle.request();
  }

  /** Marks the bar finished and draws its final state. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.throttle.request();
    this.throttle.flush();
  }

  /** The items to wrap: the source, or 0, 1, ... for a bar made from a count (like tqdm's `trange`). */
  private items(): Iterable<T> | AsyncIterable<T> {
    if (this.source) return this.source;
    return Array.from({ length: this.total ?? 0 }, (_, i) => i) as Iterable<T>;
  }

  *[Symbol.iterator](): Iterator<T> {
    const src = this.items();
    if (typeof (src as Iterable<T>)[Symbol.iterator] !== "function") {
      throw new ValueError("progress: this source is asynchronous; iterate it with `for await`");
    }
    this.throttle.request();
    try {
      for (const item of src as Iterable<T>) {
        yield item;
        this.update();
      }
    } finally {
      this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.throttle.request();
    try {
      for await (const item of this.items()) {
        yield item;
        this.update();
      }
    } finally {
      this.close();
    }
  }

  private stats() {
    const elapsed = (this.clock.now() - this.start) / 1000;
    const rate = elapsed > 0 ? this.n / elapsed : 0;
    const frac = this.total ? Math.min(1, this.n / this.total) : undefined;
    const left = this.total === undefined ? Number.NaN : Math.max(0, this.total - this.n);
    const remaining = left === 0 ? 0 : rate > 0 ? left / rate : Number.NaN;
    return { elapsed, rate, frac, remaining };
  }

  /** tqdm-style text: `epoch 1:  45%|████▌     | 45/100 [00:12<00:14, 3.60it/s]`. */
  text(): string {
    const { elapsed, rate, frac, remaining } = this.stats();
    const desc = this.description ? `${this.description}: ` : "";
    const timing = `[${formatDuration(elapsed)}<${formatDuration(remaining)}, ${rate.toFixed(2)}it/s]`;
    if (frac === undefined) return `${desc}${this.n}it ${timing}`;
    const width = 20;
    const eighths = Math.round(frac * width * 8);
    const blocks = "▏▎▍▌▋▊▉";
    const bar =
      "█".repeat(Math.floor(eighths / 8)) + (eighths % 8 ? blocks[(eighths % 8) - 1] : "");
    const pct = `${Math.round(frac * 100)}%`.padStart(4);
    return `${desc}${pct}|${bar.padEnd(width)}| ${this.n}/${this.total} ${timing}`;
  }

  /** The bar as a MIME bundle (HTML bar + tqdm-style text). */
  bundle(): MimeBundle {
    const { frac } = this.stats();
    const pct = frac === undefined ? 100 : frac * 100;
    const color =
      this.closed && this.total !== undefined && this.n < this.total ? "#d62728" : "#1f77b4";
    const html =
      `<div class="lectern-progress" style="display:flex;align-items:center;gap:8px;font-family:monospace;font-size:12px">` +
      (this.description ? `<span>${escapeHtml(this.description)}</span>` : "") +
      `<div style="width:300px;height:12px;background:#e5e5e5;border-radius:3px;overflow:hidden">` +
      `<div style="width:${pct.toFixed(1)}%;height:100%;background:${frac === undefined ? "#7f7f7f" : color}"></div></div>` +
      `<span>${escapeHtml(this.text().slice(this.description ? this.description.length + 2 : 0))}</span></div>`;
    return { "text/html": html, "text/plain": this.text() };
  }

  private emit(): void {
    const channel = displayChannel();
    if (channel) {
      if (this.shown) channel.update(this.displayId, this.bundle(), {});
      else channel.display(this.bundle(), {}, this.displayId);
      this.shown = true;
      return;
    }
    const stream = this.options.stream ?? process.stderr;
    if ((stream as { isTTY?: boolean }).isTTY)
      stream.write(`\r${this.text()}${this.closed ? "\n" : ""}`);
    else if (this.closed) stream.write(`${this.text()}\n`);
  }

  [DISPLAY](): MimeBundle {
    return this.bundle();
  }
}

/**
 * Wraps an iterable in a progress bar; a count `n` iterates 0 … n-1 (tqdm's `trange`).
 *
 * @example
 * for (const x of display.progress([1, 2, 3])) work(x);
 * for (const i of display.progress(100)) step(i);
 * for await (const batch of display.progress(loader)) await step(batch);
 */
export function progress<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options?: ProgressOptions,
): ProgressBar<T>;
export function progress(total: number, options?: ProgressOptions): ProgressBar<number>;
export function progress<T>(
  source: Iterable<T> | AsyncIterable<T> | number,
  options: ProgressOptions = {},
): ProgressBar<T> {
  if (typeof source === "number")
    return new ProgressBar<T>(undefined, { ...options, total: source });
  return new ProgressBar<T>(source, options);
}
