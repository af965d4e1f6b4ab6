/**
 * tslab's `display` module, so notebooks written for tslab run unchanged:
 * `import * as tslab from "tslab"; tslab.display.html("<b>hi</b>")`.
 */
import { randomUUID } from "node:crypto";
import { displayChannel, type MimeBundle } from "../display/channel.js";

export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

function base64(b: string | Uint8Array): string {
  return typeof b === "string"
    ? b
    : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

/** A Display that shows a new output, or with `displayId` replaces the same output each time. */
function makeDisplay(displayId?: string): Display {
  let shown = false;
  const show = (data: MimeBundle) => {
    const channel = displayChannel();
    if (channel === undefined) {
      process.stdout.write(`${String(data["text/plain"] ?? Object.keys(data)[0])}\n`);
      return;
    }
    if (displayId !== undefined && shown) channel.update(displayId, data);
    else channel.display(data, {}, displayId);
    shown = true;
  };
  const bytes = (type: string) => (b: Uint8Array) =>
    show({ [type]: base64(b), "text/plain": `<${type}>` });
  return {
    javascript: (s) => show({ "application/javascript": s }),
    html: (s) => show({ "text/html": s }),
    markdown: (s) => show({ "text/markdown": s }),
    latex: (s) => show({ "text/latex": s }),
    svg: (s) => show({ "image/svg+xml": s }),
    png: bytes("image/png"),
    jpeg: bytes("image/jpeg"),
    gif: bytes("image/gif"),
    pdf: bytes("application/pdf"),
    text: (s) => show({ "text/plain": s }),
    raw: (contentType, b) => show({ [contentType]: typeof b === "string" ? b : base64(b) }),
  };
}

export const display: Display = makeDisplay();

/** A display that updates in place: each call replaces what the previous call showed. */
export function newDisplay(): Display {
  return makeDisplay(randomUUID());
}

export const versions = {
  tslab: "1.0.22",
  typescript: "5.9",
  node: process.version,
};
