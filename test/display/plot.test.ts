import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { setDisplayChannel } from "../../display/channel.js";
import { DISPLAY } from "../../display/mime.js";
import {
  Figure,
  loadPlotly,
  PLOTLY_MIME,
  plot,
  resetPlotlyLibrary,
  setPlotlyInlining,
} from "../../display/plot.js";
import { LecternError } from "../../tensor/errors.js";
import { FakeChannel } from "./fakes.js";

beforeEach(() => {
  resetPlotlyLibrary();
  setPlotlyInlining("once");
});
afterEach(() => setDisplayChannel(undefined));

const LIBRARY_MARK = "window.Plotly = Plotly";

test("plot of named series builds plotly JSON with one line per series", () => {
  const fig = plot(
    { train: [3, 2, 1], val: [4, 3, 2.5] },
    { title: "loss", xlabel: "epoch", logy: true },
  );
  assert.deepEqual(fig.toJSON(), {
    data: [
      { type: "scatter", mode: "lines", y: [3, 2, 1], name: "train", line: { color: "#1f77b4" } },
      { type: "scatter", mode: "lines", y: [4, 3, 2.5], name: "val", line: { color: "#ff7f0e" } },
    ],
    layout: {
      title: { text: "loss" },
      xaxis: { title: { text: "epoch" } },
      yaxis: { type: "log" },
    },
  });
});

test("a figure bundle has plotly JSON, HTML that draws it, an SVG fallback and text", () => {
  const fig = plot([1, 4, 9], { title: "squares" });
  const bundle = fig.bundle();
  assert.deepEqual(
    Object.keys(bundle).sort(),
    [PLOTLY_MIME, "image/svg+xml", "text/html", "text/plain"].sort(),
  );
  // Plotly gets the static renderer's size and margins, so both draw the same geometry.
  assert.deepEqual(bundle[PLOTLY_MIME], {
    data: fig.data,
    layout: { ...fig.layout, width: 640, height: 400, margin: { l: 60, r: 20, t: 40, b: 50 } },
  });
  assert.equal(bundle["text/plain"], '<Figure "squares": scatter 0>');
  const html = bundle["text/html"] as string;
  // The HTML draws with window.Plotly when present, else queues for the library.
  assert.match(html, /<div class="lectern-plot" id="(lectern-plot-[\w-]+)"/);
  assert.match(html, /if\(window\.Plotly\)draw\(\);else\(window\.__lecternPlotlyQueue=/);
  assert.ok(html.includes('"y":[1,4,9]'));
  // The static SVG is embedded so an untrusted notebook still shows the chart.
  const svgB64 = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1]!;
  assert.equal(Buffer.from(svgB64, "base64").toString(), bundle["image/svg+xml"]);
  assert.ok(!html.includes(LIBRARY_MARK));
});

test("in a kernel plotly.js goes out once, as its own output before the first plot", () => {
  const channel = new FakeChannel();
  setDisplayChannel(channel);
  const first = plot([1, 2])[DISPLAY]() as Record<string, string>;
  const second = plot([3, 4])[DISPLAY]() as Record<string, string>;
  assert.equal(channel.calls.length, 1);
  const lib = channel.calls[0]!;
  assert.equal(lib.kind, "display");
  const libHtml = (lib as { data: Record<string, string> }).data["text/html"]!;
  assert.ok(libHtml.includes(LIBRARY_MARK));
  assert.ok(
    !/<\/script/i.test(libHtml.slice(0, libHtml.indexOf("}).call(window)"))),
    "library text is script-safe",
  );
  assert.match(libHtml, /__lecternPlotlyQueue/);
  assert.ok(!first["text/html"]!.includes(LIBRARY_MARK));
  assert.ok(!second["text/html"]!.includes(LIBRARY_MARK));
  loadPlotly();
  assert.equal(channel.calls.length, 2, "loadPlotly re-emits the library on request");
});

test("outside a kernel the first bundle embeds plotly.js and later ones do not", () => {
  const first = plot([1, 2])[DISPLAY]() as Record<string, string>;
  const second = plot([3, 4])[DISPLAY]() as Record<string, string>;
  assert.ok(first["text/html"]!.startsWith("<script"));
  assert.ok(first["text/html"]!.includes(LIBRARY_MARK));
  assert.ok(!second["text/html"]!.includes(LIBRARY_MARK));
});

test('setPlotlyInlining("never") leaves the library out', () => {
  setPlotlyInlining("never");
  const bundle = plot([1, 2])[DISPLAY]() as Record<string, string>;
  assert.ok(!bundle["text/html"]!.includes(LIBRARY_MARK));
  assert.throws(() => setPlotlyInlining("sometimes" as never), LecternError);
});

test("raw traces pass through, and bad series are rejected", () => {
  const fig = plot([{ type: "bar", x: ["a", "b"], y: [3, 5] }], { title: { text: "counts" } });
  assert.ok(fig instanceof Figure);
  assert.deepEqual(fig.layout, { title: { text: "counts" } });
  assert.throws(
    () => plot({ loss: [1, "2" as unknown as number] }),
    (e: unknown) =>
      e instanceof LecternError && /series "loss" must be an array of numbers/.test(e.message),
  );
});

test("re-running the cell that carries plotly.js emits it again; other cells do not", () => {
  const channel = new FakeChannel();
  let ctx = { msgId: "m1", cellId: "cell-a" };
  channel.context = () => ctx;
  setDisplayChannel(channel);
  const libraries = () =>
    channel.calls.filter(
      (c) => c.kind === "display" && String(c.data["text/html"]).includes(LIBRARY_MARK),
    ).length;
  plot([1])[DISPLAY]();
  assert.equal(libraries(), 1);
  ctx = { msgId: "m2", cellId: "cell-b" };
  plot([2])[DISPLAY]();
  assert.equal(libraries(), 1, "another cell relies on the library already shown");
  ctx = { msgId: "m3", cellId: "cell-a" };
  plot([3])[DISPLAY]();
  assert.equal(libraries(), 2, "the carrying cell re-ran, which cleared its library output");
  plot([4])[DISPLAY]();
  assert.equal(libraries(), 2, "once per run of that cell");
});
