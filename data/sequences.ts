import * as lt from "../tensor/index.js";
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Dataset, TensorDataset } from "./dataset.js";
import { CharVocab } from "./text.js";

function positive(op: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0))
    throw new ValueError(`${op}: ${name} must be a positive integer, got ${v}`);
}

/**
 * Synthetic sequence tasks for RNN/TCN lectures, as a `TensorDataset` of
 * `[input, target]`:
 * - "copy": tokens in [1, vocab) of shape [n, length]; the target is the input.
 * - "reverse": the target is the input reversed.
 * - "sum": the adding problem (Hochreiter & Schmidhuber 1997): input
 *   [n, length, 2] of random values and a 0/1 marker on two positions;
 *   the target [n] is the sum of the two marked values.
 *
 * @example
 * lt.manualSeed(0);
 * const task = data.sequenceTask("reverse", { n: 1000, length: 10, vocab: 8 });
 * const [x, y] = task.getItem(0); // y is x reversed
 */
export function sequenceTask(
  kind: "copy" | "reverse" | "sum",
  { n = 1000, length = 10, vocab = 10 }: { n?: number; length?: number; vocab?: number } = {},
): TensorDataset {
  positive("sequenceTask", "n", n);
  positive("sequenceTask", "length", length);
  if (kind === "sum") {
    if (length < 2) throw new ValueError("sequenceTask: the sum task needs length >= 2");
    const values = lt.rand([n, length]);
    const markers = new Float32Array(n * length);
    const first = lt.randint(0, Math.ceil(length / 2), [n]).dataSync();
    const second = lt.randint(Math.ceil(length / 2), length, [n]).dataSync();
    for (let i = 0; i < n; i++) {
      markers[i * length + first[i]!] = 1;
      markers[i * length + second[i]!] = 1;
    }
    const marks = lt.tensor(markers).reshape([n, length]);
    return new TensorDataset(lt.stack([values, marks], 2), values.mul(marks).sum(1));
  }
  if (kind !== "copy" && kind !== "reverse") {
    throw new ValueError(`sequenceTask: unknown task "${kind}"; use "copy", "reverse" or "sum"`);
  }
  if (!(Number.isInteger(vocab) && vocab >= 2))
    throw new ValueError(`sequenceTask: vocab must be >= 2, got ${vocab}`);
  const x = lt.randint(1, vocab, [n, length]);
  return new TensorDataset(x, kind === "copy" ? x.clone() : x.flip([1]));
}

/**
 * Noisy sine waves for next-step prediction: `n` windows of `length` steps
 * of `sin(freq·t + phase)` with random phase and a frequency drawn from
 * `freqRange`, plus Gaussian `noise`. Items are `[x, y]` with x [length, 1]
 * and y the same series one step ahead.
 *
 * @example
 * const waves = data.sineWaves({ n: 256, length: 50 });
 */
export function sineWaves({
  n = 256,
  length = 50,
  freqRange = [0.1, 0.3],
  noise = 0,
}: {
  n?: number;
  length?: number;
  freqRange?: [number, number];
  noise?: number;
} = {}): TensorDataset {
  positive("sineWaves", "n", n);
  positive("sineWaves", "length", length);
  const freq = lt
    .rand([n, 1])
    .mul(freqRange[1] - freqRange[0])
    .add(freqRange[0]);
  const phase = lt.rand([n, 1]).mul(2 * Math.PI);
  const t = lt
    .arange(0, length + 1)
    .float()
    .reshape([1, length + 1]);
  let series = freq.mul(t).add(phase).sin();
  if (noise > 0) series = series.add(lt.randn([n, length + 1]).mul(noise));
  return new TensorDataset(
    series.slice(1, 0, length).unsqueeze(2),
    series.slice(1, 1, length + 1).unsqueeze(2),
  );
}

/**
 * A text cut into training windows for character-level language models:
 * item `i` is `[x, y]`, int32 tensors of `seqLength` character ids with y
 * shifted one character ahead (Karpathy's char-rnn batches).
 *
 * @example
 * const ds = new data.CharDataset(data.loadCorpus(), 100);
 * ds.vocab.size; // 84
 */
export class CharDataset extends Dataset<[Tensor, Tensor]> {
  readonly vocab: CharVocab;
  readonly ids: Int32Array;
  readonly seqLength: number;

  constructor(text: string, seqLength: number, vocab: CharVocab = CharVocab.fromText(text)) {
    super();
    positive("CharDataset", "seqLength", seqLength);
    this.vocab = vocab;
    this.ids = vocab.encode(text);
    this.seqLength = seqLength;
    if (this.ids.length <= seqLength) {
      throw new ValueError(
        `CharDataset: the text (${this.ids.length} characters) is not longer than seqLength ${seqLength}`,
      );
    }
  }

  get length(): number {
    return Math.floor((this.ids.length - 1) / this.seqLength);
  }

  getItem(index: number): [Tensor, Tensor] {
    const start = index * this.seqLength;
    return [
      lt.tensor(this.ids.slice(start, start + this.seqLength)),
      lt.tensor(this.ids.slice(start + 1, start + 1 + this.seqLength)),
    ];
  }
}
