import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { bundleOf, DISPLAY, escapeHtml, isDisplayable, scriptSafe } from "../../display/mime.js";
import { html, latex, markdown, png, svg } from "../../display/rich.js";

test("html keeps the markup and falls back to its text", () => {
  assert.deepEqual(html("<b>bold</b> &amp; <i>move</i><script>x()</script>")[DISPLAY](), {
    "text/html": "<b>bold</b> &amp; <i>move</i><script>x()</script>",
    "text/plain": "bold & move",
  });
});

test("markdown and latex bundles", () => {
  assert.deepEqual(markdown("**a**")[DISPLAY](), {
    "text/markdown": "**a**",
    "text/plain": "**a**",
  });
  assert.deepEqual(latex("x^2")[DISPLAY](), { "text/latex": "$$x^2$$", "text/plain": "x^2" });
  assert.deepEqual(latex("$x$ and $y$")[DISPLAY](), {
    "text/latex": "$x$ and $y$",
    "text/plain": "$x$ and $y$",
  });
});

test("svg reports its size in the text fallback", () => {
  const source = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"></svg>';
  assert.deepEqual(svg(source)[DISPLAY](), {
    "image/svg+xml": source,
    "text/plain": "<SVG image 10x20>",
  });
});

test("png from pixels is upscaled and decodes back to the same pixels", () => {
  const bundle = png(
    { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 200]) },
    { scale: 3 },
  )[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "text/plain"]);
  assert.equal(bundle["text/plain"], "<PNG image 2x1>");
  const img = decode(Buffer.from(bundle["image/png"] as string, "base64"));
  assert.equal(img.width, 6);
  assert.equal(img.height, 3);
  assert.deepEqual([...img.data.slice(0, 6)], [0, 0, 0, 200, 200, 200]);
});

test("bundleOf: displayables, strings and other values", async () => {
  assert.deepEqual(await bundleOf("hi"), { "text/plain": "hi" });
  assert.deepEqual(await bundleOf({ a: 1 }), { "text/plain": "{ a: 1 }" });
  const asyncOne = { [DISPLAY]: async () => ({ "text/plain": "later" }) };
  assert.ok(isDisplayable(asyncOne));
  assert.deepEqual(await bundleOf(asyncOne), { "text/plain": "later" });
  assert.equal(isDisplayable(null), false);
});

test("escaping for HTML and inline scripts", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
  assert.equal(scriptSafe('"</script><!-- </SCRIPT"'), '"\\x3C/script>\\x3C!-- \\x3C/SCRIPT"');
});
