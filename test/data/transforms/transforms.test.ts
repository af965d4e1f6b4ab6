import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as TF from "../../../data/transforms/functional.js";
import {
  CenterCrop,
  ColorJitter,
  Compose,
  Normalize,
  RandomCrop,
  RandomErasing,
  RandomHorizontalFlip,
  RandomRotation,
  Resize,
  transformFromSpec,
} from "../../../data/transforms/transforms.js";
import * as lt from "../../../index.js";
import type { Tensor } from "../../../tensor/tensor.js";

function image(c: number, h: number, w: number): Tensor {
  lt.manualSeed(1000 + c * 100 + h * 10 + w);
  return lt.rand([c, h, w]);
}

const asImage = (x: Tensor): TF.Image => ({
  data: Float32Array.from(x.dataSync() as Float32Array),
  shape: x.shape as [number, number, number],
});
const values = (x: Tensor | TF.Image) =>
  Array.from("dataSync" in x ? (x.dataSync() as Float32Array) : x.data);

describe("transform classes", () => {
  it("are callable and equal their functional kernels", () => {
    const x = image(3, 5, 6);
    const norm = new Normalize([0.1, 0.2, 0.3], [0.5, 0.5, 2]);
    assert.deepEqual(
      values(norm(x)),
      values(TF.normalize(asImage(x), [0.1, 0.2, 0.3], [0.5, 0.5, 2])),
    );
    assert.deepEqual(values(new Resize([3, 4])(x)), values(TF.resize(asImage(x), [3, 4])));
    assert.deepEqual(new Resize(4)(x).shape, [3, 4, 4]); // shorter side 5 -> 4, 6 * 4 / 5 truncated
    assert.deepEqual(new Resize(10)(image(1, 8, 4)).shape, [1, 20, 10]);
    // (5 - 2) / 2 = 1.5 rounds to 2, (6 - 2) / 2 = 2
    assert.deepEqual(values(new CenterCrop(2)(x)), values(TF.crop(asImage(x), 2, 2, 2, 2)));
  });

  it("RandomHorizontalFlip flips with probability p", () => {
    const x = image(1, 2, 3);
    assert.deepEqual(values(new RandomHorizontalFlip(1)(x)), values(TF.hflip(asImage(x))));
    assert.equal(new RandomHorizontalFlip(0)(x), x);
  });

  it("RandomCrop pads then crops at offsets drawn from the seeded generator", () => {
    const x = image(3, 6, 6);
    lt.manualSeed(7);
    const out = new RandomCrop(6, { padding: 2 })(x);
    lt.manualSeed(7);
    const top = Number(lt.randint(0, 5, [1]).itemSync());
    const left = Number(lt.randint(0, 5, [1]).itemSync());
    const expected = TF.crop(TF.pad(asImage(x), [2, 2, 2, 2], 0), top, left, 6, 6);
    assert.deepEqual(values(out), values(expected));
    assert.throws(
      () => new RandomCrop(8)(x),
      /required crop size \[8, 8\] is larger than the input image size \[6, 6\]/,
    );
    assert.deepEqual(new RandomCrop(8, { padIfNeeded: true })(x).shape, [3, 8, 8]);
  });

  it("RandomRotation rotates by an angle drawn uniformly from the range", () => {
    const x = image(1, 7, 7);
    lt.manualSeed(3);
    const out = new RandomRotation(30, { interpolation: "bilinear" })(x);
    lt.manualSeed(3);
    const angle = -30 + 60 * (lt.rand([1]).itemSync() as number);
    assert.deepEqual(
      values(out),
      values(TF.rotate(asImage(x), angle, { interpolation: "bilinear", fill: 0 })),
    );
  });

  it("ColorJitter draws an order and the factors like torchvision, then applies them", () => {
    const x = image(3, 4, 4);
    const jitter = new ColorJitter({ brightness: 0.4, contrast: 0.3, saturation: 0.5, hue: 0.1 });
    lt.manualSeed(11);
    const out = jitter(x);
    lt.manualSeed(11);
    const order = Array.from(lt.randperm(4).dataSync());
    const draw = (lo: number, hi: number) => lo + (hi - lo) * (lt.rand([1]).itemSync() as number);
    const factors = [draw(0.6, 1.4), draw(0.7, 1.3), draw(0.5, 1.5), draw(-0.1, 0.1)];
    const ops = [TF.adjustBrightness, TF.adjustContrast, TF.adjustSaturation, TF.adjustHue];
    let expected = asImage(x);
    for (const i of order) expected = ops[i]!(expected, factors[i]!);
    assert.deepEqual(values(out), values(expected));
    assert.throws(
      () => new ColorJitter({ hue: 0.7 }),
      /hue values should be between \[-0.5, 0.5\]/,
    );
  });

  it("RandomErasing replaces one box within the requested area range", () => {
    const x = lt.ones([1, 20, 20]);
    lt.manualSeed(2);
    const out = values(new RandomErasing({ p: 1, scale: [0.1, 0.2], value: 0 })(x));
    const erased = out.filter((v) => v === 0).length;
    assert.ok(erased >= 0.1 * 400 * 0.8 && erased <= 0.2 * 400 * 1.25, `erased ${erased} pixels`);
    const rows = [...Array(20).keys()].filter((y) => out.slice(y * 20, y * 20 + 20).includes(0));
    assert.equal(rows.at(-1)! - rows[0]! + 1, rows.length, "the erased rows are contiguous");
    assert.equal(new RandomErasing({ p: 0 })(x), x);
  });

  it("the same seed gives the same augmentation; Compose chains", () => {
    const x = image(3, 8, 8);
    const augment = new Compose([
      new RandomCrop(8, { padding: 1 }),
      new RandomHorizontalFlip(),
      (t: Tensor) => t.mul(2),
    ]);
    lt.manualSeed(99);
    const a = values(augment(x));
    lt.manualSeed(99);
    assert.deepEqual(values(augment(x)), a);
    assert.ok(Math.max(...a) > 1);
  });

  it("round-trips through specs (for worker threads); functions have none", () => {
    const t = new Compose([new RandomCrop(4, { padding: 1 }), new Normalize([0.5], [0.25])]);
    const rebuilt = transformFromSpec(JSON.parse(JSON.stringify(t.toSpec())));
    const x = image(1, 4, 4);
    lt.manualSeed(4);
    const a = values(t(x));
    lt.manualSeed(4);
    assert.deepEqual(values(rebuilt(x)), a);
    assert.equal(new Compose([(y: Tensor) => y]).toSpec(), undefined);
  });

  it("rejects batched or flat inputs with the fix", () => {
    assert.throws(
      () => new Normalize([0], [1])(lt.zeros([2, 1, 4, 4])),
      /expected a CHW image tensor, got shape \[2,1,4,4\]; transforms apply to one image/,
    );
  });
});
