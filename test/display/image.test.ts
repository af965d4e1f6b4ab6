import assert from "node:assert/strict";
import { test } from "node:test";
import { decode } from "fast-png";
import { featureMaps, filters, grid, image, saliency } from "../../display/image.js";
import { DISPLAY, type Displayable } from "../../display/mime.js";
import { LecternError, ShapeError } from "../../tensor/errors.js";

function fakeTensor(shape: number[], data: number[], dtype = "float32") {
  return {
    shape,
    dtype,
    device: "cpu",
    dataSync: () => Float32Array.from(data),
    data: async () => Float32Array.from(data),
  };
}

async function bundle(d: Displayable): Promise<Record<string, string>> {
  return (await d[DISPLAY]()) as Record<string, string>;
}

async function pixels(d: Displayable) {
  const b = await bundle(d);
  return decode(Buffer.from(b["image/png"]!, "base64"));
}

test("a gray [H, W] float image maps [0, 1] to 0-255 with rounding", async () => {
  const png = await pixels(image(fakeTensor([2, 2], [0, 0.5, 1, 0.25]), { scale: 1 }));
  assert.deepEqual([png.width, png.height, png.channels], [2, 2, 1]);
  assert.deepEqual([...png.data], [0, 128, 255, 64]);
  assert.equal(
    (await bundle(image([[0, 1]], { scale: 1 })))["text/plain"],
    "<image 2x1 gray, values [0, 1]>",
  );
});

test("CHW and HWC RGB images come out as interleaved RGB", async () => {
  // CHW [3, 1, 2]: red plane [1, 0], green [0, 1], blue [0, 0]
  const chw = await pixels(image(fakeTensor([3, 1, 2], [1, 0, 0, 1, 0, 0]), { scale: 1 }));
  assert.deepEqual([...chw.data], [255, 0, 0, 0, 255, 0]);
  const hwc = await pixels(image(fakeTensor([1, 2, 3], [1, 0, 0, 0, 1, 0]), { scale: 1 }));
  assert.deepEqual([...hwc.data], [255, 0, 0, 0, 255, 0]);
  const batched = await pixels(image(fakeTensor([1, 3, 1, 2], [1, 0, 0, 1, 0, 0]), { scale: 1 }));
  assert.deepEqual([...batched.data], [255, 0, 0, 0, 255, 0]);
});

test("integer tensors are 0-255; out-of-range floats are min-max scaled and say so", async () => {
  const ints = await pixels(image(fakeTensor([1, 2], [0, 200], "int32"), { scale: 1 }));
  assert.deepEqual([...ints.data], [0, 200]);
  const gan = image(fakeTensor([1, 3], [-1, 0, 1]), { scale: 1 });
  assert.deepEqual([...(await pixels(gan)).data], [0, 128, 255]);
  assert.equal((await bundle(gan))["text/plain"], "<image 3x1 gray, min-max scaled from [-1, 1]>");
  const fixed = await pixels(image(fakeTensor([1, 3], [-1, 0, 1]), { scale: 1, range: [0, 1] }));
  assert.deepEqual([...fixed.data], [0, 0, 255]);
});

test("small images are enlarged to at least 128 px without blur", async () => {
  const png = await pixels(image(fakeTensor([28, 28], new Array(28 * 28).fill(0.5))));
  assert.deepEqual([png.width, png.height], [140, 140]);
});

test("bad image shapes name the accepted layouts", async () => {
  await assert.rejects(
    () => bundle(image(fakeTensor([2, 2, 2], new Array(8).fill(0)))),
    (e: unknown) => e instanceof ShapeError && /1, 3 or 4 channels, got 2/.test(e.message),
  );
  await assert.rejects(
    () => bundle(image(fakeTensor([2, 1, 2, 2], new Array(8).fill(0)))),
    /use display\.grid for a batch/,
  );
});

test("grid places images like torchvision's make_grid", async () => {
  // Three 1x2x2 images with values 0.2, 0.6, 1.0; nrow 2, padding 1 → 7x7 grid, pad value 0.
  const data = [...new Array(4).fill(0.2), ...new Array(4).fill(0.6), ...new Array(4).fill(1)];
  const png = await pixels(grid(fakeTensor([3, 1, 2, 2], data), { nrow: 2, padding: 1, scale: 1 }));
  assert.deepEqual([png.width, png.height], [7, 7]);
  const at = (x: number, y: number) => png.data[y * 7 + x];
  assert.equal(at(0, 0), 0);
  assert.equal(at(1, 1), 51);
  assert.equal(at(2, 2), 51);
  assert.equal(at(3, 1), 0);
  assert.equal(at(4, 1), 153);
  assert.equal(at(1, 4), 255);
  assert.equal(at(4, 4), 0, "the missing fourth cell is padding");
});

test("grid normalize scales the batch (or each image) to [0, 1]", async () => {
  const batch = fakeTensor([2, 1, 1, 1], [2, 4]);
  const whole = await pixels(grid(batch, { normalize: true, padding: 0, scale: 1 }));
  assert.deepEqual([...whole.data], [0, 255]);
  const each = await pixels(
    grid(fakeTensor([2, 1, 1, 2], [2, 3, 10, 20]), {
      normalize: true,
      scaleEach: true,
      padding: 0,
      scale: 1,
    }),
  );
  assert.deepEqual([...each.data], [0, 255, 0, 255]);
});

test("grid labels become SVG captions under each image (and text)", async () => {
  const b = await bundle(
    grid(fakeTensor([2, 1, 4, 4], new Array(32).fill(1)), {
      labels: ["cat", "dog<"],
      nrow: 2,
      scale: 10,
    }),
  );
  assert.ok(b["image/png"]);
  const captions = [
    ...b["image/svg+xml"]!.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)<\/text>/g),
  ].map((m) => [Number(m[1]), Number(m[2]), m[3]]);
  // factor 10, padding 2, caption band ceil(14/10) = 2 px: centres at (2 + 2) * 10 and (8 + 2) * 10.
  assert.deepEqual(captions, [
    [40, 72, "cat"],
    [100, 72, "dog&lt;"],
  ]);
  assert.match(b["text/plain"]!, /labels: cat, dog</);
  await assert.rejects(
    () => bundle(grid(fakeTensor([2, 1, 1, 1], [0, 1]), { labels: ["a"] })),
    /1 labels for 2 images/,
  );
});

test("filters: single-channel kernels in a diverging map, zero is white", async () => {
  const w = fakeTensor([2, 1, 1, 2], [1, 0, -1, 0.5]);
  const png = await pixels(filters(w, { scale: 1 }));
  assert.deepEqual([png.width, png.height, png.channels], [7, 3, 3]);
  const rgb = (x: number, y: number) => [...png.data.slice((y * 7 + x) * 3, (y * 7 + x) * 3 + 3)];
  assert.deepEqual(rgb(1, 1), [178, 24, 43], "max → red");
  assert.deepEqual(rgb(2, 1), [247, 247, 247], "0 → white");
  assert.deepEqual(rgb(4, 1), [33, 102, 172], "min → blue");
  await assert.rejects(
    () => bundle(filters(fakeTensor([2, 2], [0, 0, 0, 0]))),
    /conv weight \[out, in, kH, kW\]/,
  );
});

test("featureMaps captures outputs of the chosen layers with forward hooks, then removes them", async () => {
  const hooks = new Map<string, ((m: unknown, a: unknown[], o: unknown) => unknown)[]>();
  const layer = (name: string) => ({
    namedModules: () => [] as never[],
    registerForwardHook: (h: (m: unknown, a: unknown[], o: unknown) => unknown) => {
      hooks.set(name, [...(hooks.get(name) ?? []), h]);
      return {
        remove: () =>
          hooks.set(
            name,
            hooks.get(name)!.filter((x) => x !== h),
          ),
      };
    },
  });
  const conv = layer("conv1");
  const fc = layer("fc");
  const model = Object.assign(
    (x: unknown) => {
      const maps = fakeTensor([1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
      for (const h of hooks.get("conv1") ?? []) h(conv, [x], maps);
      for (const h of hooks.get("fc") ?? [])
        h(fc, [maps], fakeTensor([1, 10], new Array(10).fill(0)));
      return maps;
    },
    {
      namedModules: () =>
        [
          ["", null],
          ["conv1", conv],
          ["fc", fc],
        ] as never,
      registerForwardHook: () => ({ remove() {} }),
    },
  );
  const shown = featureMaps(model, "input");
  assert.deepEqual(
    [...hooks.values()].map((hs) => hs.length),
    [0, 0],
    "hooks removed after the forward pass",
  );
  const b = await bundle(shown);
  assert.equal(b["text/plain"], "<feature maps>\nconv1: [1, 2, 2, 2]");
  assert.equal([...b["image/svg+xml"]!.matchAll(/<image /g)].length, 1);
  assert.throws(
    () => featureMaps(model, "x", { layers: ["conv9"] }),
    (e: unknown) =>
      e instanceof LecternError && /no submodule "conv9"; it has conv1, fc/.test(e.message),
  );
});

test("saliency overlays max |gradient| over channels on the image", async () => {
  const img = fakeTensor([3, 1, 3], new Array(9).fill(0));
  const g = fakeTensor([3, 1, 3], [0, -2, 1, 0, 1, 0, 0, 0, 0]);
  const b = await bundle(saliency(img, g, { alpha: 1, scale: 1 }));
  assert.equal(b["text/plain"], "<saliency map 3x1, max |gradient| 2>");
  const png = decode(Buffer.from(b["image/png"]!, "base64"));
  assert.deepEqual([...png.data.slice(0, 3)], [68, 1, 84], "no gradient → start of viridis");
  assert.deepEqual(
    [...png.data.slice(3, 6)],
    [253, 231, 37],
    "largest |gradient| → end of viridis",
  );
});
