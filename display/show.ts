/**
 * Showing things now rather than as a cell's value: `display.show`,
 * `display.update` and `display.clear` map to Jupyter's display_data,
 * update_display_data and clear_output. Outside a kernel (a script run by
 * node) there is no front end, so the `text/plain` part goes to stdout.
 */
import type { MimeBundle, MimeMetadata } from "./channel.js";
import { displayChannel } from "./channel.js";
import { bundleOf } from "./mime.js";

/** Options for `show`. */
export interface ShowOptions {
  /** A display id so that `display.update(id, ...)` can replace this output later. */
  id?: string;
  /** Per-MIME-type metadata, e.g. `{ "image/png": { width: 200 } }`. */
  metadata?: MimeMetadata;
}

function printText(bundle: MimeBundle): void {
  const text = bundle["text/plain"];
  if (text !== undefined) process.stdout.write(`${String(text)}\n`);
}

function whenReady(
  bundle: MimeBundle | Promise<MimeBundle>,
  send: (b: MimeBundle) => void,
): Promise<void> {
  if (bundle instanceof Promise) return bundle.then(send);
  send(bundle);
  return Promise.resolve();
}

/**
 * Displays a value now (like IPython's `display(x)`): anything with a
 * `[Symbol.for("Jupyter.display")]` method, a string, or any other value
 * (shown as text). The output is sent before `show` returns unless the
 * value's bundle is asynchronous (a GPU tensor); await the result to be sure.
 *
 * @example
 * display.show(display.markdown("# Epoch 1"));
 * display.show(lossPlot, { id: "loss" }); // later: display.update("loss", newPlot)
 */
export function show(value: unknown, options: ShowOptions = {}): Promise<void> {
  return whenReady(bundleOf(value), (bundle) => {
    const channel = displayChannel();
    if (channel) channel.display(bundle, options.metadata ?? {}, options.id);
    else printText(bundle);
  });
}

/**
 * Replaces, in place, the output shown earlier with `show(x, { id })`.
 * Outside a kernel the new text is printed.
 *
 * @example
 * display.show("epoch 0", { id: "status" });
 * display.update("status", "epoch 1");
 */
export function update(id: string, value: unknown, metadata: MimeMetadata = {}): Promise<void> {
  return whenReady(bundleOf(value), (bundle) => {
    const channel = displayChannel();
    if (channel) channel.update(id, bundle, metadata);
    else printText(bundle);
  });
}

/**
 * Clears the current cell's outputs (clear_output). With `wait`, the front
 * end clears only when the next output arrives, which avoids flicker in loops.
 * Outside a kernel this does nothing.
 *
 * @example
 * for (const epoch of epochs) { display.clear(true); display.show(report(epoch)); }
 */
export function clear(wait = false): void {
  displayChannel()?.clear(wait);
}
