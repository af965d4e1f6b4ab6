import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";

describe("creation", () => {
  it("tensor infers shape and dtype from nested arrays", () => {
    const x = lt.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(x.shape, [2, 3]);
    assert.equal(x.dtype, "float32");
    assert.deepEqual(x.arraySync(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(lt.tensor([true, false]).dtype, "bool");
    assert.deepEqual(lt.tensor([true, false]).arraySync(), [true, false]);
    assert.equal(lt.tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.equal(lt.tensor(3).ndim, 0);
    assert.equal(lt.tensor(3).itemSync(), 3);
  });

  it("tensor accepts typed-array rows and other typed arrays", () => {
    const x = lt.tensor([new Float32Array([1, 2]), new Float64Array([3, 4])]);
    assert.deepEqual(x.arraySync(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(lt.tensor(new Float64Array([0.5])).dtype, "float32");
  });

  it("tensor rejects ragged arrays with the path of the bad row", () => {
    assert.throws(
      () => lt.tensor([[1, 2], [3]]),
      (e: Error) => e instanceof lt.ShapeError && /\[1\]/.test(e.message),
    );
  });

  it("zeros, ones, full, eye, arange and linspace match PyTorch", () => {
    assert.deepEqual(lt.zeros([2]).arraySync(), [0, 0]);
    assert.deepEqual(lt.ones([2], { dtype: "int32" }).arraySync(), [1, 1]);
    assert.deepEqual(lt.full([2], 7).arraySync(), [7, 7]);
    assert.equal(lt.full([1], true).dtype, "bool");
    assert.deepEqual(lt.eye(2, 3).arraySync(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(lt.arange(4).arraySync(), [0, 1, 2, 3]);
    assert.equal(lt.arange(4).dtype, "int32");
    assert.deepEqual(lt.arange(0, 1, 0.25).arraySync(), [0, 0.25, 0.5, 0.75]);
    assert.equal(lt.arange(0, 1, 0.25).dtype, "float32");
    assert.deepEqual(lt.arange(5, 0, -2).arraySync(), [5, 3, 1]);
    assert.deepEqual(lt.linspace(0, 1, 5).arraySync(), [0, 0.25, 0.5, 0.75, 1]);
  });

  it("*Like functions copy shape, dtype and device", () => {
    const x = lt.arange(6).reshape([2, 3]);
    const z = lt.zerosLike(x);
    assert.deepEqual(z.shape, [2, 3]);
    assert.equal(z.dtype, "int32");
    assert.equal(lt.onesLike(x, { dtype: "float32" }).dtype, "float32");
    assert.deepEqual(lt.fullLike(x, 2).arraySync(), [
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  it("requiresGrad only on floating tensors", () => {
    assert.ok(lt.zeros([2], { requiresGrad: true }).requiresGrad);
    assert.throws(() => lt.zeros([2], { dtype: "int32", requiresGrad: true }), lt.DTypeError);
  });

  it("rejects bad shapes and dtypes with LecternErrors", () => {
    assert.throws(() => lt.zeros([2, -1]), lt.ValueError);
    assert.throws(() => lt.zeros([2], { dtype: "float64" as lt.DType }), /use "float32"/);
    assert.throws(() => lt.arange(0, 5, -1), lt.ValueError);
  });

  it("reads back asynchronously and synchronously", async () => {
    const x = lt.tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await x.array(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(Array.from(await x.data()), [1, 2, 3, 4]);
    assert.equal(await x.sum().item(), 10);
    assert.throws(() => x.itemSync(), lt.ValueError);
    assert.deepEqual(Array.from(x.t().dataSync()), [1, 3, 2, 4]);
  });

  it("displays through the installed tensor display, else as text", () => {
    const x = lt.tensor([1, 2]);
    const show = (t: lt.Tensor) => (t as any)[Symbol.for("Jupyter.display")]();
    lt.setTensorDisplay((t) => ({ "text/plain": `T${t.shape}`, "text/html": `<b>${t.shape}</b>` }));
    assert.deepEqual(show(x), { "text/plain": "T2", "text/html": "<b>2</b>" });
    lt.setTensorDisplay(undefined);
    assert.deepEqual(show(x), { "text/plain": "tensor([1., 2.])" });
    // The text never depends on the installed display.
    assert.equal(String(x), "tensor([1., 2.])");
  });

  it("prints like PyTorch", () => {
    assert.equal(String(lt.tensor([1, 2.5])), "tensor([1.0000, 2.5000])");
    assert.equal(
      String(lt.tensor([[1, 2]], { requiresGrad: true })),
      "tensor([[1., 2.]], requires_grad=True)",
    );
    assert.equal(
      String(lt.tensor([1, 2]).mul(lt.tensor([3, 4], { requiresGrad: true }))),
      "tensor([3., 8.], grad_fn=<MulBackward0>)",
    );
    // int32 is lectern's default integer dtype (PyTorch's is int64): no suffix.
    assert.equal(String(lt.arange(3)), "tensor([0, 1, 2])");
    assert.equal(String(lt.tensor([true, false], { dtype: "bool" })), "tensor([ True, False])");
  });
});
