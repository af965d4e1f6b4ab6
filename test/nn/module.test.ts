import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import * as nn from "../../nn/index.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

class MLP extends nn.Module<[Tensor], Tensor> {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  fc2: nn.Linear;
  scale = new nn.Parameter(lt.ones([1]));
  notRegistered = lt.zeros([2]);

  constructor() {
    super();
    this.fc2 = new nn.Linear(8, 2);
    this.registerBuffer("steps", lt.zeros([1]));
  }

  override forward(x: Tensor): Tensor {
    return this.fc2(this.act(this.fc1(x))).mul(this.scale);
  }
}

describe("nn.Module", () => {
  it("registers parameters, buffers and submodules by assignment, in order", () => {
    const m = new MLP();
    assert.deepEqual(
      m.namedParameters().map(([k]) => k),
      ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"],
    );
    assert.deepEqual(
      m.namedChildren().map(([k]) => k),
      ["fc1", "act", "fc2"],
    );
    assert.deepEqual(
      m.namedBuffers().map(([k]) => k),
      ["steps"],
    );
    assert.deepEqual(Object.keys(m.stateDict()), [
      "scale",
      "steps",
      "fc1.weight",
      "fc1.bias",
      "fc2.weight",
      "fc2.bias",
    ]);
    assert.equal(m.parameters().length, 5);
    assert.equal(m.modules().length, 4);
    assert.ok(m.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad));
  });

  it("is callable and runs forward through pre-hooks and hooks", () => {
    const m = new MLP();
    const seen: string[] = [];
    const pre = m.fc1.registerForwardPreHook((_mod, args) => {
      seen.push("pre");
      return [(args[0] as Tensor).mul(0)];
    });
    const post = m.fc1.registerForwardHook((_mod, _args, out: Tensor) => {
      seen.push(`out ${out.shape}`);
    });
    const y = m(lt.ones([3, 4]));
    assert.deepEqual(y.shape, [3, 2]);
    assert.deepEqual(seen, ["pre", "out 3,8"]);
    // fc1 saw zeros: its output is its bias
    const captured: Tensor[] = [];
    const cap = m.fc1.registerForwardHook((_m, _a, out: Tensor) => {
      captured.push(out);
    });
    m(lt.ones([1, 4]));
    assert.deepEqual(Array.from(captured[0]!.dataSync()), Array.from(m.fc1.bias!.dataSync()));
    pre.remove();
    post.remove();
    cap.remove();
    m(lt.ones([1, 4]));
    assert.equal(seen.length, 4, "removed hooks no longer run");
    const replaced = m.registerForwardHook(() => lt.tensor([42]));
    assert.deepEqual(Array.from(m(lt.ones([1, 4])).dataSync()), [42]);
    replaced.remove();
  });

  it("trains end to end with autograd: zeroGrad, requiresGrad_, train/eval", () => {
    const m = new MLP();
    m(lt.randn([5, 4]))
      .sum()
      .backward();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === null));
    m(lt.randn([5, 4]))
      .sum()
      .backward();
    m.zeroGrad(false);
    assert.ok(m.fc1.weight.grad!.dataSync().every((v) => v === 0));
    m.requiresGrad_(false);
    assert.ok(m.parameters().every((p) => !p.requiresGrad));
    assert.equal(m.eval().training, false);
    assert.ok(m.modules().every((x) => !x.training));
    m.train();
    assert.ok(m.modules().every((x) => x.training));
  });

  it("apply visits children before the parent", () => {
    const m = new MLP();
    const order: string[] = [];
    m.apply((x) => order.push(x.constructor.name));
    assert.deepEqual(order, ["Linear", "ReLU", "Linear", "MLP"]);
    m.apply((x) => {
      if (x instanceof nn.Linear) nn.init.zeros_(x.weight);
    });
    assert.ok(m.fc2.weight.dataSync().every((v) => v === 0));
  });

  it("guards registered names", () => {
    const m = new nn.Linear(2, 2);
    assert.throws(() => {
      (m as any).weight = lt.zeros([2, 2]);
    }, /cannot assign a Tensor of shape \[2,2\] to parameter "weight" of Linear: use an nn.Parameter/);
    assert.throws(
      () => m.registerParameter("a.b", null),
      /must be a non-empty string without "\."/,
    );
    delete (m as any).bias;
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    (m as any).bias = new nn.Parameter(lt.zeros([2]));
    assert.deepEqual(Object.keys(m.stateDict()), ["weight", "bias"]);
  });

  it("moves to a device in place, keeping parameter identity", () => {
    const m = new MLP();
    const before = m.parameters();
    m.to("cpu");
    assert.deepEqual(m.parameters(), before);
  });

  it("prints like PyTorch's repr", () => {
    const seq = new nn.Sequential(
      new nn.Linear(4, 2, { bias: false }),
      new nn.ReLU(),
      new nn.Sequential(new nn.Tanh()),
    );
    const expected = [
      "Sequential(",
      "  (0): Linear(in_features=4, out_features=2, bias=False)",
      "  (1): ReLU()",
      "  (2): Sequential(",
      "    (0): Tanh()",
      "  )",
      ")",
    ].join("\n");
    assert.equal(seq.toString(), expected);
    assert.equal(inspect(seq), expected);
    const bundle = (seq as any)[Symbol.for("Jupyter.display")]();
    assert.match(bundle["text/plain"]!, /Total params: 8 \(trainable: 8\)/);
    assert.match(
      bundle["text/html"]!,
      /<table[^>]*>.*0 <span[^>]*>\(Linear\)<\/span>.*weight \[2,4\].*8/s,
    );
  });

  it("displays its summary once called, without shifting the random stream", () => {
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU());
    seq(lt.randn([2, 4]));
    lt.manualSeed(9);
    const bundle = (seq as any)[Symbol.for("Jupyter.display")]();
    const next = lt.rand([1]).itemSync();
    lt.manualSeed(9);
    assert.equal(
      lt.rand([1]).itemSync(),
      next,
      "the display drew no random numbers from the stream",
    );
    assert.match(bundle["text/plain"], /^Sequential\(\n/);
    assert.match(bundle["text/plain"], /0 \(Linear\) +\[2,3\] +15 +54/);
    assert.match(bundle["text/html"], /lectern-summary/);
  });

  it("deepCopy makes an independent module of the same class", () => {
    const a = new MLP();
    const b = nn.deepCopy(a);
    assert.ok(b instanceof MLP);
    assert.deepEqual(Object.keys(b.stateDict()), Object.keys(a.stateDict()));
    assert.notEqual(b.fc1.weight, a.fc1.weight);
    assert.deepEqual(Array.from(b.fc1.weight.dataSync()), Array.from(a.fc1.weight.dataSync()));
    nn.init.zeros_(b.fc1.weight);
    assert.ok(
      a.fc1.weight.dataSync().some((v) => v !== 0),
      "the original is untouched",
    );
    const x = lt.randn([2, 4]);
    assert.deepEqual(b(x).shape, [2, 2]);
  });
});

describe("containers", () => {
  it("Sequential chains, indexes and names keys 0.weight", () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
    seq.append(new nn.Linear(4, 1));
    assert.equal(seq.length, 3);
    assert.ok(seq[0] instanceof nn.Linear);
    assert.ok(seq.at(-1) instanceof nn.Linear);
    assert.deepEqual(Object.keys(seq.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
    assert.deepEqual(seq(lt.randn([5, 3])).shape, [5, 1]);
    assert.deepEqual([...seq].length, 3);
    const named = new nn.Sequential({ enc: new nn.Linear(2, 2), act: new nn.Tanh() });
    assert.deepEqual(Object.keys(named.stateDict()), ["enc.weight", "enc.bias"]);
    assert.throws(() => seq.at(5), /index 5 is out of range for 3 modules/);
    const broken = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(4, 1));
    assert.throws(
      () => broken(lt.randn([1, 2])),
      (e: Error) =>
        e instanceof lt.ShapeError &&
        /\n {2}in layer \(1\): Linear of Sequential on input \[1,3\]$/.test(e.message),
    );
    assert.throws(() => new nn.Sequential(3 as any), /argument 0 is not an nn.Module/);
  });

  it("ModuleList registers its modules and supports insert", () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 3)]);
    list.insert(0, new nn.Identity());
    assert.deepEqual(
      list.namedChildren().map(([k, m]) => `${k}:${m.constructor.name}`),
      ["0:Identity", "1:Linear", "2:Linear"],
    );
    assert.deepEqual(Object.keys(list.stateDict()), ["1.weight", "1.bias", "2.weight", "2.bias"]);
    assert.throws(() => list(lt.zeros([1])), /ModuleList: forward is not defined/);
  });

  it("ModuleDict maps names to modules", () => {
    const d = new nn.ModuleDict({ a: new nn.Linear(1, 1), b: new nn.ReLU() });
    assert.ok(d.get("a") instanceof nn.Linear);
    assert.deepEqual([...d.keys()], ["a", "b"]);
    d.delete("a");
    assert.deepEqual(Object.keys(d.stateDict()), []);
    assert.throws(() => d.get("zzz"), /no module "zzz" \(keys: b\)/);
  });
});
