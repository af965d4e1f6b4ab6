/**
 * MIME bundles: the one format every display in lectern produces. A bundle
 * maps MIME types to data; front ends pick the richest type they can render,
 * so every rich bundle also carries a static fallback (`image/png` or
 * `image/svg+xml`, and always `text/plain`) for nbconvert, GitHub and graders.
 */
import { inspect } from "node:util";
import type { MimeBundle } from "./channel.js";

/** The display protocol shared with Deno's kernel: `obj[DISPLAY]()` returns a bundle. */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Anything the kernel can display: it returns a MIME bundle, or a Promise of one. */
export interface Displayable {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/**
 * True when `x` implements the display protocol.
 *
 * @example
 * isDisplayable(display.html("<b>hi</b>")); // true
 */
export function isDisplayable(x: unknown): x is Displayable {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as Record<symbol, unknown>)[DISPLAY] === "function"
  );
}

/**
 * The bundle for any value: a displayable's own bundle, a string as
 * `text/plain`, anything else as Node's `inspect` text.
 *
 * @example
 * await bundleOf("hi"); // { "text/plain": "hi" }
 */
export function bundleOf(x: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(x)) return x[DISPLAY]();
  if (typeof x === "string") return { "text/plain": x };
  return { "text/plain": inspect(x, { depth: 4, colors: false }) };
}

/**
 * A fixed bundle that displays itself; what `display.html(...)` and friends return.
 *
 * @example
 * new display.Rich({ "text/plain": "hello", "text/html": "<i>hello</i>" });
 */
export class Rich implements Displayable {
  constructor(readonly bundle: MimeBundle) {}

  [DISPLAY](): MimeBundle {
    return this.bundle;
  }

  /** The `text/plain` part, so `String(rich)` and console.log stay readable. */
  toString(): string {
    return String(this.bundle["text/plain"] ?? "");
  }
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Makes text safe inside an inline `<script>`: the HTML parser ends a script
 * at `</script` and changes state at `<!--` even inside JS strings, so every
 * `<` before those is written as the JS escape `\x3C` (valid in strings and
 * regular expressions alike).
 *
 * @example
 * scriptSafe('"</script>"'); // '"\\x3C/script>"'
 */
export function scriptSafe(js: string): string {
  return js.replace(/<(?=\/script|!--)/gi, "\\x3C");
}

/**
 * Base64 of bytes, as Jupyter expects for binary MIME types (`image/png`).
 *
 * @example
 * base64(new Uint8Array([1, 2, 3])); // "AQID"
 */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * A short unique id for display ids and DOM element ids.
 *
 * @example
 * uniqueId("lectern-plot"); // "lectern-plot-m3x2k1-4f9a0c2d"
 */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
