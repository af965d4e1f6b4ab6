/**
 * Recurrent layers (PyTorch's nn/modules/rnn.py): `RNN`, `LSTM`, `GRU`
 * (multi-layer, bidirectional, batchFirst, initial states, variable lengths
 * through `PackedSequence`) and the single-step `RNNCell`, `LSTMCell`,
 * `GRUCell`. Parameters have PyTorch's names and shapes
 * (`weight_ih_l0`, `weight_hh_l0_reverse`...; gates stacked in PyTorch's
 * order: LSTM i,f,g,o and GRU r,z,n), so checkpoints move both ways.
 *
 * Each step is written out with tensor ops; the input projection of all
 * time steps is one matmul before the loop.
 */
import { ShapeError, ValueError } from "../tensor/errors.js";
import * as lt from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout } from "../tensor/ops/dropout.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { PackedSequence } from "./utils/rnn.js";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

const gateCount: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The recurrent weights of one layer and direction. */
interface CellWeights {
  wHh: Tensor;
  bHh: Tensor | null;
}

/**
 * One step of a recurrent cell from the input projection `xp = x W_ihᵀ + b_ih`
 * and the previous state; returns the new `[h, c]` (c only for LSTM).
 */
function cellStep(
  mode: Mode,
  xp: Tensor,
  h: Tensor,
  c: Tensor | null,
  w: CellWeights,
): [Tensor, Tensor | null] {
  let hp = h.matmul(w.wHh.transpose(0, 1));
  if (w.bHh) hp = hp.add(w.bHh);
  const size = h.shape[h.shape.length - 1]!;
  const last = xp.shape.length - 1;
  // split, not a narrow per gate: its backward joins the gate gradients
  // with one cat instead of adding a zero-padded full-width tensor per gate.
  const gates = (t: Tensor) => t.split(size, last);
  switch (mode) {
    case "RNN_TANH":
      return [xp.add(hp).tanh(), null];
    case "RNN_RELU":
      return [xp.add(hp).relu(), null];
    case "LSTM": {
      const [gi, gf, gg, go] = gates(xp.add(hp));
      const i = gi.sigmoid();
      const f = gf.sigmoid();
      const g = gg.tanh();
      const o = go.sigmoid();
      const cNext = f.mul(c!).add(i.mul(g));
      return [o.mul(cNext.tanh()), cNext];
    }
    case "GRU": {
      // PyTorch's GRU applies the reset gate after the recurrent product:
      // n = tanh(x_n + r ⊙ (W_hn h + b_hn)).
      const [xr, xz, xn] = gates(xp);
      const [hr, hz, hn] = gates(hp);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      return [n.add(z.mul(h.sub(n))), null];
    }
  }
}

function project(x: Tensor, wIh: Tensor, bIh: Tensor | null): Tensor {
  const p = x.matmul(wIh.transpose(0, 1));
  return bIh ? p.add(bIh) : p;
}

/** Options of `RNN`, `LSTM` and `GRU` (PyTorch's keywords). */
export interface RNNOptions {
  /** Stacked layers. Default 1. */
  numLayers?: number;
  /** Default true. */
  bias?: boolean;
  /** Input and output as `[B, T, *]` instead of `[T, B, *]`. Default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. Default 0. */
  dropout?: number;
  /** Run a second pass from the end and concatenate. Default false. */
  bidirectional?: boolean;
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNOptions,
  ) {
    super();
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) {
      throw new ValueError(
        `${this.constructor.name}: numLayers must be a positive integer, got ${this.numLayers}`,
      );
    }
    if (!(this.dropout >= 0 && this.dropout <= 1)) {
      throw new ValueError(
        `${this.constructor.name}: dropout must be in [0, 1], got ${this.dropout}`,
      );
    }
    const g = gateCount[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(lt.zeros([g, inSize])));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(lt.zeros([g, hiddenSize])));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(lt.zeros([g])));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(lt.zeros([g])));
        }
      }
    }
    this.resetParameters();
  }

  /** PyTorch's init: every weight and bias ~ U(±1/√hiddenSize). */
  resetParameters(): void {
    const bound = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -bound, bound);
  }

  private weights(layer: number, d: number) {
    const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
    const p = (name: string) => this._parameters.get(name + sfx) ?? null;
    return { wIh: p("weight_ih")!, wHh: p("weight_hh")!, bIh: p("bias_ih"), bHh: p("bias_hh") };
  }

  protected run(input: Tensor | PackedSequence, hx: Tensor | null, cx: Tensor | null) {
    const name = this.constructor.name;
    const packed = input instanceof PackedSequence;
    let x = packed ? input.data : input;
    const unbatched = !packed && x.shape.length === 2;
    if (unbatched) x = x.unsqueeze(1);
    else if (!packed && this.batchFirst) x = x.transpose(0, 1);
    if (x.shape.length !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(
        `${name}: expected input [${this.batchFirst ? "B, T" : "T, B"}, ${this.inputSize}] (or unbatched [T, ${this.inputSize}]), got [${packed ? input.data.shape : input.shape}]`,
      );
    }
    const [steps, batch] = x.shape as [number, number];
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = [this.numLayers * dirs, batch, this.hiddenSize];
    const initial = (state: Tensor | null, what: string) => {
      if (state === null) return lt.zeros(stateShape, { device: x.device });
      const s = unbatched ? state.unsqueeze(1) : state;
      if (s.shape.length !== 3 || s.shape.some((v, i) => v !== stateShape[i])) {
        throw new ShapeError(
          `${name}: expected ${what} of shape [${unbatched ? [stateShape[0], stateShape[2]] : stateShape}], got [${state.shape}]`,
        );
      }
      return s;
    };
    const h0 = initial(hx, "the initial hidden state");
    const c0 = this.mode === "LSTM" ? initial(cx, "the initial cell state") : null;
    const mask = packed ? input.mask() : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this.weights(layer, d);
        // One unbind, not a select per step: its backward stacks the step
        // gradients once instead of adding a full-size tensor per step.
        const xs = project(layerInput, w.wIh, w.bIh).unbind(0);
        const k = layer * dirs + d;
        let h = h0.select(0, k);
        let c = c0 ? c0.select(0, k) : null;
        const stepOuts: Tensor[] = new Array(steps);
        for (let s = 0; s < steps; s++) {
          const t = d === 0 ? s : steps - 1 - s;
          const [hNew, cNew] = cellStep(this.mode, xs[t], h, c, w);
          if (mask) {
            // Past a sequence's end its state stays put and its output is 0,
            // which is what PyTorch's packed computation gives.
            const m = mask.select(0, t);
            h = h.add(hNew.sub(h).mul(m));
            if (c) c = c.add(cNew!.sub(c).mul(m));
            stepOuts[t] = hNew.mul(m);
          } else {
            h = hNew;
            c = cNew;
            stepOuts[t] = hNew;
          }
        }
        outs.push(lt.stack(stepOuts, 0));
        hN.push(h);
        if (c) cN.push(c);
      }
      layerInput = dirs === 1 ? outs[0]! : lt.cat(outs, 2);
      if (this.dropout > 0 && layer < this.numLayers - 1)
        layerInput = dropout(layerInput, this.dropout, this.training);
    }
    let output: Tensor | PackedSequence = layerInput;
    let hOut = lt.stack(hN, 0);
    let cOut = c0 ? lt.stack(cN, 0) : null;
    if (packed) output = new PackedSequence(layerInput, input.lengths);
    else if (unbatched) {
      output = layerInput.squeeze(1);
      hOut = hOut.squeeze(1);
      cOut = cOut ? cOut.squeeze(1) : null;
    } else if (this.batchFirst) output = layerInput.transpose(0, 1);
    return { output, hOut, cOut };
  }

  /**
   * 2 FLOPs per multiply-add of the input and recurrent products of every
   * step, layer and direction (gate nonlinearities not counted).
   */
  flops(args: unknown[]): number {
    const input = args[0] instanceof PackedSequence ? args[0].data : (args[0] as Tensor);
    const steps = input.shape.length === 3 ? input.shape[0]! * input.shape[1]! : input.shape[0]!;
    const g = gateCount[this.mode] * this.hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    let total = 0;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? this.inputSize : this.hiddenSize * dirs;
      total += dirs * 2 * steps * g * (inSize + this.hiddenSize);
    }
    return total;
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.mode === "RNN_RELU") s += ", nonlinearity='relu'";
    if (!this.bias) s += ", bias=False";
    if (this.batchFirst) s += ", batch_first=True";
    if (this.dropout) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

/** What a recurrent layer returns for a plain tensor input or a packed one. */
type SeqOut<I> = I extends PackedSequence ? PackedSequence : Tensor;

/**
 * Elman RNN, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)`
 * (`torch.nn.RNN`; `nonlinearity: "relu"` for ReLU).
 * Returns `[output, hN]`: output `[T, B, D·H]`, hN `[L·D, B, H]`.
 *
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn(lt.randn([5, 3, 10])); // out [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RNNBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RNNOptions & { nonlinearity?: "tanh" | "relu" } = {},
  ) {
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu")
      throw new ValueError(`RNN: unknown nonlinearity "${nl}"; use "tanh" or "relu"`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, options);
  }

  override forward<I extends Tensor | PackedSequence>(
    input: I,
    h0?: Tensor | null,
  ): [SeqOut<I>, Tensor] {
    const { output, hOut } = this.run(input, h0 ?? null, null);
    return [output as SeqOut<I>, hOut];
  }
}

/**
 * Long short-term memory (`torch.nn.LSTM`, Hochreiter & Schmidhuber 1997).
 * Returns `[output, [hN, cN]]`; pass `[h0, c0]` to start from a state.
 *
 * @example
 * const lstm = new nn.LSTM(10, 20, { batchFirst: true, bidirectional: true });
 * const [out, [h, c]] = lstm(lt.randn([3, 5, 10])); // out [3, 5, 40], h [2, 3, 20]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }

  override forward<I extends Tensor | PackedSequence>(
    input: I,
    state?: [Tensor, Tensor] | null,
  ): [SeqOut<I>, [Tensor, Tensor]] {
    const { output, hOut, cOut } = this.run(input, state?.[0] ?? null, state?.[1] ?? null);
    return [output as SeqOut<I>, [hOut, cOut!]];
  }
}

/**
 * Gated recurrent unit (`torch.nn.GRU`, Cho et al. 2014).
 * Returns `[output, hN]`.
 *
 * @example
 * const [out, h] = new nn.GRU(8, 16)(lt.randn([4, 2, 8])); // out [4, 2, 16]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }

  override forward<I extends Tensor | PackedSequence>(
    input: I,
    h0?: Tensor | null,
  ): [SeqOut<I>, Tensor] {
    const { output, hOut } = this.run(input, h0 ?? null, null);
    return [output as SeqOut<I>, hOut];
  }
}

abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    bias: boolean,
  ) {
    super();
    const g = gateCount[mode] * hiddenSize;
    this.weight_ih = new Parameter(lt.zeros([g, inputSize]));
    this.weight_hh = new Parameter(lt.zeros([g, hiddenSize]));
    this.bias_ih = bias ? new Parameter(lt.zeros([g])) : null;
    this.bias_hh = bias ? new Parameter(lt.zeros([g])) : null;
    if (!bias) {
      this.registerParameter("bias_ih", null);
      this.registerParameter("bias_hh", null);
    }
    this.resetParameters();
  }

  /** PyTorch's init: U(±1/√hiddenSize). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -bound, bound);
  }

  protected step(input: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const unbatched = input.shape.length === 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    if (x.shape.length !== 2 || x.shape[1] !== this.inputSize) {
      throw new ShapeError(
        `${this.constructor.name}: expected input [B, ${this.inputSize}] or [${this.inputSize}], got [${input.shape}]`,
      );
    }
    const zeros = () => lt.zeros([x.shape[0]!, this.hiddenSize], { device: x.device });
    const prep = (s: Tensor | null) => (s === null ? zeros() : unbatched ? s.unsqueeze(0) : s);
    const xp = project(x, this.weight_ih, this.bias_ih);
    const [hNew, cNew] = cellStep(this.mode, xp, prep(h), this.mode === "LSTM" ? prep(c) : null, {
      wHh: this.weight_hh,
      bHh: this.bias_hh,
    });
    return unbatched ? [hNew.squeeze(0), cNew ? cNew.squeeze(0) : null] : [hNew, cNew];
  }

  /** 2 FLOPs per multiply-add of the input and recurrent products. */
  flops(args: unknown[]): number {
    const x = args[0] as Tensor;
    const batch = x.shape.length === 2 ? x.shape[0]! : 1;
    return 2 * batch * gateCount[this.mode] * this.hiddenSize * (this.inputSize + this.hiddenSize);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? "" : ", bias=False"}${this.mode === "RNN_RELU" ? ", nonlinearity='relu'" : ""}`;
  }
}

/**
 * One step of an Elman RNN (`torch.nn.RNNCell`): `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`.
 *
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let h = lt.zeros([3, 20]);
 * for (const x of inputs) h = cell(x, h);
 */
export class RNNCell extends CellBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: { bias?: boolean; nonlinearity?: "tanh" | "relu" } = {},
  ) {
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu")
      throw new ValueError(`RNNCell: unknown nonlinearity "${nl}"; use "tanh" or "relu"`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, options.bias ?? true);
  }

  override forward(input: Tensor, h?: Tensor | null): Tensor {
    return this.step(input, h ?? null, null)[0];
  }
}

/**
 * One LSTM step (`torch.nn.LSTMCell`); returns `[h', c']`.
 *
 * @example
 * const [h, c] = new nn.LSTMCell(10, 20)(x, [h0, c0]);
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super("LSTM", inputSize, hiddenSize, options.bias ?? true);
  }

  override forward(input: Tensor, state?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [h, c] = this.step(input, state?.[0] ?? null, state?.[1] ?? null);
    return [h, c!];
  }
}

/** One GRU step (`torch.nn.GRUCell`); returns `h'`. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super("GRU", inputSize, hiddenSize, options.bias ?? true);
  }

  override forward(input: Tensor, h?: Tensor | null): Tensor {
    return this.step(input, h ?? null, null)[0];
  }
}
