import { ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/** Anything whose weights can be saved and restored: an `nn.Module`, an optimizer... */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: any): unknown;
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** "min" for a loss, "max" for an accuracy (default "min"). */
  mode?: "min" | "max";
  /** Load the best epoch's weights back when stopping (default true). */
  restoreBestWeights?: boolean;
}

/** Deep copy of a state dict: tensors are detached clones, containers are rebuilt. */
function snapshot(value: unknown): unknown {
  if (value instanceof Tensor) return value.detach().clone();
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, snapshot(v)]));
  if (Array.isArray(value)) return value.map(snapshot);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  }
  return value;
}

/**
 * Stops training when a validation metric has not improved for `patience`
 * epochs and restores the weights of the best epoch (Keras'
 * `EarlyStopping(restore_best_weights=True)`; PyTorch has no built-in).
 * Works with anything that has `stateDict()`/`loadStateDict()`.
 *
 * @example
 * const stopper = new optim.EarlyStopping(model, { patience: 3 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   train(); const valLoss = evaluate();
 *   if (stopper.step(valLoss)) break; // the model now holds the best weights
 * }
 */
export class EarlyStopping {
  readonly target: Stateful;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: "min" | "max";
  readonly restoreBestWeights: boolean;
  best: number;
  bestEpoch = -1;
  epoch = -1;
  /** Epochs since the last improvement. */
  counter = 0;
  stopped = false;
  private bestState: unknown = undefined;

  constructor(target: Stateful, options: EarlyStoppingOptions = {}) {
    const { patience = 5, minDelta = 0, mode = "min", restoreBestWeights = true } = options;
    if (typeof target?.stateDict !== "function" || typeof target.loadStateDict !== "function") {
      throw new ValueError(
        "EarlyStopping: the target needs stateDict() and loadStateDict() (e.g. an nn.Module)",
      );
    }
    if (!(patience >= 0 && Number.isInteger(patience))) {
      throw new ValueError(
        `EarlyStopping: patience must be a non-negative integer, got ${patience}`,
      );
    }
    if (mode !== "min" && mode !== "max")
      throw new ValueError(`EarlyStopping: mode ${mode} is unknown!`);
    this.target = target;
    this.patience = patience;
    this.minDelta = Math.abs(minDelta);
    this.mode = mode;
    this.restoreBestWeights = restoreBestWeights;
    this.best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /**
   * Records one epoch's metric; returns true when training should stop (and
   * then, with `restoreBestWeights`, the best weights are already loaded).
   */
  step(metric: number): boolean {
    if (Number.isNaN(metric)) throw new ValueError("EarlyStopping.step: the metric is NaN");
    this.epoch++;
    const improved =
      this.mode === "min" ? metric < this.best - this.minDelta : metric > this.best + this.minDelta;
    if (improved) {
      this.best = metric;
      this.bestEpoch = this.epoch;
      this.counter = 0;
      if (this.restoreBestWeights) this.bestState = snapshot(this.target.stateDict());
      return false;
    }
    this.counter++;
    if (this.counter > this.patience) {
      this.stopped = true;
      if (this.restoreBestWeights) this.restoreBest();
      return true;
    }
    return false;
  }

  /** Loads the best epoch's weights into the target (no-op before any improvement). */
  restoreBest(): void {
    if (this.bestState !== undefined) this.target.loadStateDict(snapshot(this.bestState));
  }
}
