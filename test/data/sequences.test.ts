import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CharDataset, sequenceTask, sineWaves } from "../../data/sequences.js";
import { loadCorpus } from "../../data/text.js";
import * as lt from "../../index.js";

describe("sequence tasks", () => {
  it("copy and reverse pair random tokens with their copy / reversal", () => {
    lt.manualSeed(0);
    const rev = sequenceTask("reverse", { n: 5, length: 6, vocab: 4 });
    for (const [x, y] of rev) {
      const xs = Array.from(x!.dataSync());
      assert.deepEqual(Array.from(y!.dataSync()), [...xs].reverse());
      assert.ok(xs.every((v) => v >= 1 && v < 4));
    }
    const [x, y] = sequenceTask("copy", { n: 2, length: 3 }).getItem(1);
    assert.deepEqual(y!.arraySync(), x!.arraySync());
  });

  it("sum: the adding problem's target is the sum of the two marked values", () => {
    lt.manualSeed(1);
    for (const [x, y] of sequenceTask("sum", { n: 10, length: 8 })) {
      const steps = x!.arraySync() as number[][];
      assert.equal(steps.filter(([, m]) => m === 1).length, 2);
      const expected = steps.reduce((a, [v, m]) => a + v! * m!, 0);
      assert.ok(Math.abs((y!.itemSync() as number) - expected) < 1e-6);
    }
    assert.throws(() => sequenceTask("sort" as never), /unknown task "sort"/);
  });

  it("sine waves: y is x one step ahead", () => {
    lt.manualSeed(2);
    const [x, y] = sineWaves({ n: 3, length: 20 }).getItem(2);
    assert.deepEqual(x!.shape, [20, 1]);
    assert.deepEqual(Array.from(x!.dataSync()).slice(1), Array.from(y!.dataSync()).slice(0, 19));
  });
});

describe("CharDataset", () => {
  it("cuts the corpus into windows with targets shifted by one character", () => {
    const ds = new CharDataset(loadCorpus(), 64);
    assert.equal(ds.length, Math.floor((383158 - 1) / 64));
    const [x, y] = ds.getItem(10);
    assert.equal(
      ds.vocab.decode(x!.dataSync()).slice(1),
      ds.vocab.decode(y!.dataSync()).slice(0, 63),
    );
    assert.equal(x!.dtype, "int32");
  });
});
