/**
 * Displayable wrappers for content the user already has as text or bytes:
 * HTML, Markdown, LaTeX, SVG and PNG, in the spirit of IPython's
 * `HTML(...)`/`Markdown(...)` objects. They show when they are a cell's
 * value or are passed to `display.show`.
 */
import { base64, Rich } from "./mime.js";
import { autoScaleFactor, encodePng, type Pixels, upscale } from "./png.js";

function stripTags(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/**
 * HTML content; its `text/plain` fallback is the text with tags removed.
 *
 * @example
 * display.html("<b>bold</b> move"); // shows bold text; text/plain "bold move"
 */
export function html(source: string): Rich {
  return new Rich({ "text/html": source, "text/plain": stripTags(source) });
}

/**
 * Markdown content (rendered by the front end; the source is the text fallback).
 *
 * @example
 * display.markdown("**Loss** fell by *half*");
 */
export function markdown(source: string): Rich {
  return new Rich({ "text/markdown": source, "text/plain": source });
}

/**
 * LaTeX math. A formula without `$` delimiters or `\begin{...}` is shown as a
 * display equation (`$$...$$`), which is what Jupyter's MathJax renderer needs.
 *
 * @example
 * display.latex("\\sigma(x) = \\frac{1}{1 + e^{-x}}");
 */
export function latex(source: string): Rich {
  const delimited = /\$|\\begin\{|\\\[|\\\(/.test(source) ? source : `$$${source}$$`;
  return new Rich({ "text/latex": delimited, "text/plain": source });
}

function svgSize(source: string): string {
  const w = /<svg[^>]*\swidth="([^"]+)"/.exec(source)?.[1];
  const h = /<svg[^>]*\sheight="([^"]+)"/.exec(source)?.[1];
  return w && h ? ` ${w}x${h}` : "";
}

/**
 * An SVG image given as markup.
 *
 * @example
 * display.svg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>');
 */
export function svg(source: string): Rich {
  return new Rich({ "image/svg+xml": source, "text/plain": `<SVG image${svgSize(source)}>` });
}

/**
 * A PNG image: either encoded PNG bytes, or raw 8-bit pixels that are
 * encoded here (small images are enlarged with nearest-neighbour sampling
 * unless `scale` says otherwise).
 *
 * @example
 * display.png({ width: 2, height: 2, channels: 1, data: new Uint8Array([0, 255, 255, 0]) });
 */
export function png(image: Uint8Array | Pixels, options: { scale?: number } = {}): Rich {
  if (image instanceof Uint8Array) {
    return new Rich({ "image/png": base64(image), "text/plain": "<PNG image>" });
  }
  const factor = options.scale ?? autoScaleFactor(image.width, image.height);
  const big = upscale(image, factor);
  return new Rich({
    "image/png": base64(encodePng(big)),
    "text/plain": `<PNG image ${image.width}x${image.height}>`,
  });
}
