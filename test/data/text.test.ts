import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { CharVocab, loadCorpus } from "../../data/text.js";

describe("loadCorpus", () => {
  it("loads The Devil's Dictionary as shipped (checksum from data/corpus/README.md)", () => {
    const text = loadCorpus("devils-dictionary");
    assert.equal(text.length, 383158);
    assert.equal(
      createHash("sha256").update(text).digest("hex"),
      "ff45a5218b052fc8f6373df701ca349d53bb458e77875ab8d9fface967dbd453",
    );
    assert.match(text, /ZOOLOGY, n\./);
  });

  it("rejects unknown names", () => {
    assert.throws(
      () => loadCorpus("nope" as never),
      /unknown corpus "nope"; available: devils-dictionary/,
    );
  });
});

describe("CharVocab", () => {
  it("maps sorted distinct characters to ids and back", () => {
    const v = CharVocab.fromText("hello");
    assert.deepEqual(v.itos, ["e", "h", "l", "o"]);
    assert.deepEqual([...v.encode("hell")], [1, 0, 2, 2]);
    assert.equal(v.decode([3, 0]), "oe");
  });

  it("round-trips the whole corpus", () => {
    const text = loadCorpus();
    const v = CharVocab.fromText(text);
    assert.equal(v.size, 84);
    assert.equal(v.decode(v.encode(text)), text);
  });

  it("names the unknown character and the bad id", () => {
    const v = CharVocab.fromText("ab");
    assert.throws(() => v.encode("abz"), /character "z" \(at 2\) is not in the vocabulary of 2/);
    assert.throws(() => v.decode([5]), /id 5 is outside the vocabulary \[0, 2\)/);
  });
});
