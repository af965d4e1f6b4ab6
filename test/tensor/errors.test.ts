/** Misuse gives LecternErrors whose messages name the op, the shapes/dtypes and the fix. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../tensor/index.js";

function throwsWith(fn: () => unknown, type: new (...a: any[]) => Error, ...patterns: RegExp[]) {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e.name}: ${e.message}`);
    assert.ok(e instanceof lt.LecternError);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

describe("error messages", () => {
  it("shape mismatches", () => {
    throwsWith(
      () => lt.zeros([2, 3]).matmul(lt.zeros([4, 5])),
      lt.ShapeError,
      /^matmul: shapes \[2, 3\] and \[4, 5\] do not align \(3 != 4\)$/,
    );
    throwsWith(
      () => lt.zeros([2, 3]).mul(lt.zeros([2])),
      lt.ShapeError,
      /mul/,
      /\[2, 3\] and \[2\]/,
      /reshape or unsqueeze/,
    );
    throwsWith(() => lt.zeros([6]).view([4, -1]), lt.ShapeError, /view/, /\[4, -1\]/);
    throwsWith(
      () => lt.cat([lt.zeros([2, 3]), lt.zeros([2, 4])]),
      lt.ShapeError,
      /cat: tensor 1 has shape \[2, 4\]/,
      /except in dim 0/,
    );
    throwsWith(() => lt.zeros([2, 3]).expand([4, 3, 2]), lt.ShapeError, /expand/);
    throwsWith(() => lt.zeros([2]).bmm(lt.zeros([2])), lt.ShapeError, /bmm/);
    throwsWith(
      () => lt.einsum("ij,jk->ik", lt.zeros([2, 3]), lt.zeros([4, 5])),
      lt.ShapeError,
      /letter "j"/,
    );
  });

  it("dtype misuse", () => {
    throwsWith(
      () => lt.zeros([2], { dtype: "int32" }).requiresGrad_(),
      lt.DTypeError,
      /only floating/,
      /float\(\)/,
    );
    throwsWith(
      () => lt.where(lt.ones([2]), 1, 0),
      lt.DTypeError,
      /where: condition must be a bool tensor/,
    );
    throwsWith(
      () => lt.ones([2, 2]).matmul(lt.ones([2, 2], { dtype: "int32" })),
      lt.DTypeError,
      /float32 and int32/,
    );
    throwsWith(
      () => lt.ones([2]).gather(0, lt.zeros([1])),
      lt.DTypeError,
      /index must be an int32/,
    );
    throwsWith(() => lt.tensor([true]).neg(), lt.DTypeError, /logicalNot/);
  });

  it("index out of range", () => {
    throwsWith(
      () => lt.zeros([3]).select(0, 3),
      lt.IndexError,
      /select: index 3 is out of range for dim 0 with size 3/,
    );
    throwsWith(() => lt.zeros([2, 2]).sum(5), lt.IndexError, /sum: dim 5/);
    throwsWith(
      () => lt.zeros([3]).indexSelect(0, lt.tensor([4], { dtype: "int32" })),
      lt.IndexError,
      /index 4 is out of range/,
    );
    throwsWith(() => lt.zeros([2]).index(0, 0), lt.IndexError, /too many indices/);
    throwsWith(() => lt.zeros([3]).narrow(0, 2, 2), lt.IndexError, /narrow/);
  });

  it("autograd misuse", () => {
    throwsWith(
      () => lt.ones([2], { requiresGrad: true }).mul(2).backward(),
      lt.AutogradError,
      /scalar outputs/,
      /\[2\]/,
      /sum\(\)\.backward\(\)/,
    );
    throwsWith(() => lt.ones([2]).sum().backward(), lt.AutogradError, /does not require grad/);
    throwsWith(
      () => lt.ones([2], { requiresGrad: true }).mul(1).requiresGrad_(false),
      lt.AutogradError,
      /leaf/,
    );
    const x = lt.ones([2], { requiresGrad: true });
    const y = lt.ones([2], { requiresGrad: true });
    throwsWith(() => lt.autograd.grad(x.sum(), [y]), lt.AutogradError, /not used/, /allowUnused/);
  });

  it("bad values", () => {
    throwsWith(() => lt.zeros([2]).item(), lt.ValueError, /only a tensor with one element/);
    throwsWith(() => lt.randint(5, 5, [2]), lt.ValueError, /low < high/);
    throwsWith(() => lt.multinomial(lt.tensor([0.5, 0.5]), 3), lt.ValueError, /replacement/);
    throwsWith(() => lt.ones([2]).add([1, 2] as never), lt.ValueError, /lt\.tensor/);
    throwsWith(() => lt.zeros([0]).max(), lt.ValueError, /empty/);
  });

  it("allclose and equal compare whole tensors", () => {
    assert.equal(lt.allclose(lt.tensor([1, 2]), lt.tensor([1, 2.000001])), true);
    assert.equal(lt.tensor([1, 2]).allclose(lt.tensor([1, 2.1])), false);
    assert.equal(lt.equal(lt.arange(3), lt.tensor([0, 1, 2], { dtype: "int32" })), true);
    assert.equal(lt.equal(lt.arange(3), lt.arange(4)), false);
  });

  it("tensors on different devices", () => {
    const fake: lt.Backend<Float32Array> = {
      name: "fake",
      alloc: (_d, n) => new Float32Array(n),
      fromTypedArray: (data) => Float32Array.from(data),
      read: async (s, _d, o, n) => s.slice(o, o + n),
      free: () => {},
    };
    lt.registerBackend("fake", fake);
    const other = lt.tensor([1, 2], { device: "fake" });
    assert.equal(other.device, "fake");
    throwsWith(
      () => lt.ones([2]).add(other),
      lt.DeviceError,
      /add: expected all tensors on one device, got cpu and fake/,
      /\.to\(/,
    );
    throwsWith(
      () =>
        lt.ones([2, 2]).matmul(
          lt.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { device: "fake" },
          ),
        ),
      lt.DeviceError,
      /matmul/,
    );
    throwsWith(() => other.exp(), lt.DeviceError, /exp: no kernel for device "fake"/);
    throwsWith(() => other.dataSync(), lt.DeviceError, /await t\.data\(\)/);
  });

  it("devices that do not exist", () => {
    throwsWith(
      () => lt.zeros([2], { device: "tpu" }),
      lt.DeviceError,
      /device "tpu" is not available/,
    );
  });

  it("nothing is half-updated after an error", () => {
    const x = lt.ones([2], { requiresGrad: true });
    const before = x.grad;
    assert.throws(() => x.mul(2).backward());
    assert.equal(x.grad, before);
  });
});
