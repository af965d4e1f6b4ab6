import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";

describe("nn.summary", () => {
  it("reports output shape, own parameters, FLOPs and activation bytes per layer", () => {
    const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const s = nn.summary(model, [2, 784]);
    const rows = s.rows.map(({ name, layer, outputShape, params, flops, activationBytes }) => ({
      name,
      layer,
      outputShape,
      params,
      flops,
      activationBytes,
    }));
    assert.deepEqual(rows, [
      {
        name: "0",
        layer: "Linear",
        outputShape: [2, 128],
        params: 784 * 128 + 128,
        flops: 2 * 128 * (2 * 784 + 1),
        activationBytes: 1024,
      },
      {
        name: "1",
        layer: "ReLU",
        outputShape: [2, 128],
        params: 0,
        flops: 256,
        activationBytes: 1024,
      },
      {
        name: "2",
        layer: "Linear",
        outputShape: [2, 10],
        params: 1290,
        flops: 2 * 10 * (2 * 128 + 1),
        activationBytes: 80,
      },
    ]);
    assert.equal(s.totalParams, 100480 + 1290);
    assert.equal(s.trainableParams, s.totalParams);
    assert.equal(s.totalFlops, 401664 + 256 + 5140);
    assert.equal(s.totalActivationBytes, 2128);
    assert.equal(model.training, true, "the model's mode is restored");
    const text = s.toString();
    assert.match(text, /Sequential on input \[2,784\]/);
    assert.match(text, /0 \(Linear\) +\[2,128\] +100,480 +401,664 +1\.0 KiB/);
    assert.match(text, /Total params: 101,770/);
    const bundle = (s as any)[Symbol.for("Jupyter.display")]();
    assert.match(
      bundle["text/html"],
      /<table class="lectern-summary".*<td>\[2,10\]<\/td><td>1,290<\/td>/s,
    );
    assert.equal(bundle["text/plain"], text);
  });

  it("nests submodules and counts frozen parameters apart", () => {
    class Net extends nn.Module {
      body = new nn.Sequential(new nn.Linear(4, 4), new nn.Tanh());
      head = new nn.Linear(4, 2);
      override forward(x: lt.Tensor) {
        return this.head(this.body(x));
      }
    }
    const net = new Net();
    net.body.requiresGrad_(false);
    const s = nn.summary(net, lt.randn([3, 4]));
    assert.deepEqual(
      s.rows.map((r) => `${r.depth}:${r.name}:${r.leaf}`),
      ["1:body:false", "2:body.0:true", "2:body.1:true", "1:head:true"],
    );
    assert.equal(s.totalParams, 30);
    assert.equal(s.trainableParams, 10);
    assert.equal(s.totalFlops, 3 * 4 * 9 + 12 + 3 * 2 * 9);
  });

  it("counts recurrent and attention FLOPs without double counting out_proj", () => {
    const lstm = nn.summary(new nn.Sequential(new nn.LSTM(3, 4)), [5, 2, 3]);
    assert.equal(lstm.rows[0]!.flops, 2 * 10 * 16 * (3 + 4));
    assert.deepEqual(lstm.rows[0]!.outputShape, [
      [5, 2, 4],
      [1, 2, 4],
      [1, 2, 4],
    ]);
    class SelfAttention extends nn.Module {
      attn = new nn.MultiheadAttention(8, 2);
      override forward(x: lt.Tensor) {
        return this.attn(x, x, x)[0];
      }
    }
    const s = nn.summary(new SelfAttention(), [3, 1, 8]);
    assert.deepEqual(
      s.rows.map((r) => [r.name, r.flops]),
      [
        ["attn", 2 * 8 * (3 * 8 + 3 * 16) + 2 * 2 * 3 * 3 * 8],
        ["attn.out_proj", 3 * 8 * 17],
      ],
    );
  });

  it("counts convolution and pooling FLOPs as the AlexNet lecture does", {
    skip: !lt.hasKernel("conv", "cpu") && "conv kernels are not registered on the CPU yet",
  }, () => {
    const model = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.MaxPool2d(2));
    const [conv, pool] = nn.summary(model, [1, 3, 8, 8]).rows;
    assert.deepEqual(conv!.outputShape, [1, 8, 8, 8]);
    assert.equal(conv!.params, 8 * 27 + 8);
    assert.equal(conv!.flops, 512 * (2 * 27 + 1));
    assert.deepEqual(pool!.outputShape, [1, 8, 4, 4]);
    assert.equal(pool!.flops, 128 * 4);
  });
});
