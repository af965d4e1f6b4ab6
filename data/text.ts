import { readFileSync } from "node:fs";
import { ValueError } from "../tensor/errors.js";

/** Public-domain texts shipped in `data/corpus/` (see its README). */
export const CORPORA = {
  /** Ambrose Bierce, The Devil's Dictionary (1911), ~383 KB of ASCII. */
  "devils-dictionary": "devils-dictionary.txt",
} as const;

export type CorpusName = keyof typeof CORPORA;

/**
 * The text of a shipped corpus, for character-level language models.
 *
 * @example
 * const text = data.loadCorpus("devils-dictionary");
 * text.length; // 383158
 */
export function loadCorpus(name: CorpusName = "devils-dictionary"): string {
  const file = CORPORA[name];
  if (file === undefined) {
    throw new ValueError(
      `loadCorpus: unknown corpus "${name}"; available: ${Object.keys(CORPORA).join(", ")}`,
    );
  }
  // Compiled to dist/data/text.js; the corpus stays in the source tree.
  return readFileSync(new URL(`../../data/corpus/${file}`, import.meta.url), "utf8");
}

/**
 * A character vocabulary: the sorted distinct characters of a text, each
 * mapped to an integer id, as in Karpathy's char-rnn.
 *
 * @example
 * const vocab = data.CharVocab.fromText("hello");
 * vocab.encode("hell"); // Int32Array [1, 0, 2, 2]
 * vocab.decode([3, 0]); // "oe"
 */
export class CharVocab {
  /** id → character */
  readonly itos: readonly string[];
  /** character → id */
  readonly stoi: ReadonlyMap<string, number>;

  constructor(chars: Iterable<string>) {
    this.itos = [...new Set(chars)];
    this.stoi = new Map(this.itos.map((c, i) => [c, i]));
  }

  /** Builds the vocabulary of `text` (code points, sorted). */
  static fromText(text: string): CharVocab {
    return new CharVocab([...new Set(text)].sort());
  }

  get size(): number {
    return this.itos.length;
  }

  encode(text: string): Int32Array {
    const ids = new Int32Array([...text].length);
    let i = 0;
    for (const c of text) {
      const id = this.stoi.get(c);
      if (id === undefined) {
        throw new ValueError(
          `CharVocab.encode: character ${JSON.stringify(c)} (at ${i}) is not in the vocabulary of ${this.size} characters; build the vocabulary from text that contains it`,
        );
      }
      ids[i++] = id;
    }
    return ids;
  }

  decode(ids: Iterable<number>): string {
    let out = "";
    for (const id of ids) {
      const c = this.itos[id];
      if (c === undefined) {
        throw new ValueError(
          `CharVocab.decode: id ${id} is outside the vocabulary [0, ${this.size})`,
        );
      }
      out += c;
    }
    return out;
  }
}
