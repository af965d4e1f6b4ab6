/**
 * Variable-length batches for recurrent layers (`torch.nn.utils.rnn`).
 *
 * A `PackedSequence` here keeps the padded batch (time-major) and the true
 * lengths; RNN/LSTM/GRU read it and stop each sequence at its length, so
 * results equal PyTorch's packed computation (outputs past a sequence's end
 * are zero, the final state is the one at its last real step). Deviation:
 * PyTorch's `.data` holds the packed rows; lectern's holds the padded batch.
 */
import { ShapeError, ValueError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/**
 * A batch of sequences of different lengths, made by `packPaddedSequence`.
 */
export class PackedSequence {
  constructor(
    /** The padded batch, time-major `[T, B, *]`. */
    readonly data: Tensor,
    /** The length of each sequence, in batch order. */
    readonly lengths: number[],
  ) {}

  /** `[T, B, 1]` float mask: 1 at real steps, 0 at padding. */
  mask(): Tensor {
    const [steps, batch] = this.data.shape as [number, number];
    const values = new Float32Array(steps * batch);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) values[t * batch + b] = t < this.lengths[b]! ? 1 : 0;
    }
    return lt.tensor(values).reshape([steps, batch, 1]).to(this.data.device);
  }
}

function toLengths(lengths: number[] | Tensor): number[] {
  return Array.isArray(lengths) ? lengths : Array.from(lengths.dataSync() as ArrayLike<number>);
}

/**
 * Marks the true lengths of a padded batch (`pack_padded_sequence`).
 * `input` is `[T, B, *]` (or `[B, T, *]` with `batchFirst`). With
 * `enforceSorted` (default true, as PyTorch) lengths must be decreasing.
 *
 * @example
 * const packed = nn.utils.rnn.packPaddedSequence(x, [5, 3, 2], { batchFirst: true });
 * const [out, [h, c]] = lstm(packed);
 * const [padded, lengths] = nn.utils.rnn.padPackedSequence(out, { batchFirst: true });
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: number[] | Tensor,
  options: { batchFirst?: boolean; enforceSorted?: boolean } = {},
): PackedSequence {
  const { batchFirst = false, enforceSorted = true } = options;
  const data = batchFirst ? input.transpose(0, 1) : input;
  const lens = toLengths(lengths);
  const [steps, batch] = data.shape as [number, number];
  if (lens.length !== batch) {
    throw new ShapeError(
      `packPaddedSequence: ${lens.length} lengths for a batch of ${batch} sequences (input [${input.shape}])`,
    );
  }
  for (const [i, n] of lens.entries()) {
    if (!Number.isInteger(n) || n < 1 || n > steps) {
      throw new ValueError(
        `packPaddedSequence: length ${n} of sequence ${i} must be in [1, ${steps}]`,
      );
    }
    if (enforceSorted && i > 0 && n > lens[i - 1]!) {
      throw new ValueError(
        "packPaddedSequence: lengths must be sorted in decreasing order with enforceSorted (the default); pass { enforceSorted: false }",
      );
    }
  }
  return new PackedSequence(data, lens);
}

/**
 * The padded batch and lengths of a packed sequence (`pad_packed_sequence`);
 * padding positions hold `paddingValue`.
 */
export function padPackedSequence(
  sequence: PackedSequence,
  options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number } = {},
): [Tensor, Tensor] {
  const { batchFirst = false, paddingValue = 0, totalLength } = options;
  const longest = Math.max(...sequence.lengths);
  let data = sequence.data.narrow(0, 0, longest);
  if (paddingValue !== 0)
    data = lt.where(sequence.mask().narrow(0, 0, longest).gt(0), data, paddingValue);
  if (totalLength !== undefined) {
    if (totalLength < longest) {
      throw new ValueError(
        `padPackedSequence: totalLength ${totalLength} is less than the longest sequence (${longest})`,
      );
    }
    if (totalLength > longest) {
      const pad = lt.full([totalLength - longest, ...data.shape.slice(1)], paddingValue, {
        device: data.device,
      });
      data = lt.cat([data, pad], 0);
    }
  }
  const lengths = lt.tensor(sequence.lengths, { dtype: "int32" });
  return [batchFirst ? data.transpose(0, 1) : data, lengths];
}

/**
 * Stacks sequences of different lengths into one padded tensor
 * (`pad_sequence`): `[T_max, B, *]`, or `[B, T_max, *]` with `batchFirst`.
 *
 * @example
 * nn.utils.rnn.padSequence([lt.ones([3, 2]), lt.ones([1, 2])], { batchFirst: true }).shape; // [2, 3, 2]
 */
export function padSequence(
  sequences: Tensor[],
  options: { batchFirst?: boolean; paddingValue?: number } = {},
): Tensor {
  const { batchFirst = false, paddingValue = 0 } = options;
  if (sequences.length === 0) throw new ValueError("padSequence: needs at least one sequence");
  const longest = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) => {
    const missing = longest - s.shape[0]!;
    if (missing === 0) return s;
    return lt.cat(
      [
        s,
        lt.full([missing, ...s.shape.slice(1)], paddingValue, { device: s.device, dtype: s.dtype }),
      ],
      0,
    );
  });
  return lt.stack(padded, batchFirst ? 0 : 1);
}

/**
 * Packs a list of sequences of different lengths (`pack_sequence`): the same
 * as `packPaddedSequence(padSequence(sequences), lengths)`.
 *
 * @example
 * const packed = nn.utils.rnn.packSequence([lt.randn([5, 8]), lt.randn([3, 8])]);
 */
export function packSequence(
  sequences: Tensor[],
  options: { enforceSorted?: boolean } = {},
): PackedSequence {
  return packPaddedSequence(
    padSequence(sequences),
    sequences.map((s) => s.shape[0]!),
    options,
  );
}
