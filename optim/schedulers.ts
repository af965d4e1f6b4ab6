import { ValueError } from "../tensor/errors.js";
import type { BaseOptions, Optimizer, ParamGroup } from "./optimizer.js";

type AnyOptimizer = Optimizer<BaseOptions>;
type Group = ParamGroup<BaseOptions> & { initialLr?: number };

/**
 * Base class of the epoch-based LR schedulers, following
 * `torch.optim.lr_scheduler._LRScheduler` (PyTorch 1.13): each `step()`
 * advances `lastEpoch` and writes `getLr()` into every param group. Most
 * schedules are "chainable": `getLr()` updates the group's current lr, so
 * several schedulers can act on one optimizer. Stepping with an explicit
 * epoch uses the closed form where one exists.
 *
 * Subclasses set their fields, then call `initialStep()` (JavaScript runs a
 * subclass's field initialisers only after `super()` returns).
 */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<any>, lastEpoch = -1) {
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups as Group[];
    if (lastEpoch === -1) {
      for (const g of groups) g.initialLr ??= g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new ValueError(
            `param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** The lr of every group for the current `lastEpoch` (chainable form). */
  protected abstract getLr(): number[];

  /** The lr of every group as a function of `lastEpoch` alone, where one exists. */
  protected closedFormLr?(): number[];

  /** Performs the construction-time step that sets epoch 0's lr. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lr of each group after the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * Advances one epoch (or jumps to `epoch`) and sets every group's lr. Call
   * it after `optimizer.step()`.
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The scheduler's state (everything but the optimizer), for checkpoints. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === "optimizer" || k === "schedulers") continue;
      out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  }

  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, state);
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs (`StepLR`).
 *
 * @example
 * const sched = new optim.StepLR(opt, 30, { gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<any>,
    stepSize: number,
    { gamma = 0.1, lastEpoch = -1 }: { gamma?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0)
      return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch (`MultiStepLR`); a
 * milestone listed twice applies gamma twice.
 *
 * @example
 * const sched = new optim.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: Map<number, number>;
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<any>,
    milestones: number[],
    { gamma = 0.1, lastEpoch = -1 }: { gamma?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    this.milestones = new Map();
    for (const m of milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [m, n] of this.milestones) if (m <= this.lastEpoch) passed += n;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch (`ExponentialLR`).
 *
 * @example
 * const sched = new optim.ExponentialLR(opt, 0.95);
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<any>,
    gamma: number,
    { lastEpoch = -1 }: { lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

/**
 * Cosine annealing from the base lr to `etaMin` over `TMax` epochs, then
 * back up (SGDR without restarts; `CosineAnnealingLR`, in PyTorch's
 * recursive form).
 *
 * @example
 * const sched = new optim.CosineAnnealingLR(opt, 100, { etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;

  constructor(
    optimizer: Optimizer<any>,
    TMax: number,
    { etaMin = 0, lastEpoch = -1 }: { etaMin?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map(
        (base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2,
      );
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groups.map(
        (g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2,
      );
    }
    return this.groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (base) =>
        this.etaMin +
        ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2,
    );
  }
}

/**
 * Scales the lr linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs — the usual warm-up (`LinearLR`).
 *
 * @example
 * const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: Optimizer<any>,
    {
      startFactor = 1 / 3,
      endFactor = 1,
      totalIters = 5,
      lastEpoch = -1,
    }: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    if (startFactor > 1 || startFactor <= 0) {
      throw new ValueError(
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
      );
    }
    if (endFactor > 1 || endFactor < 0) {
      throw new ValueError("Ending multiplicative factor expected to be between 0 and 1.");
    }
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/**
 * Sets each group's lr to `base lr × lrLambda(epoch)` (`LambdaLR`).
 *
 * @example
 * const sched = new optim.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambda: (epoch: number) => number;

  constructor(
    optimizer: Optimizer<any>,
    lrLambda: (epoch: number) => number,
    { lastEpoch = -1 }: { lastEpoch?: number } = {},
  ) {
    super(optimizer, lastEpoch);
    this.lrLambda = lrLambda;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.lrLambda(this.lastEpoch));
  }
}

export interface OneCycleOptions {
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use the three-phase schedule of fast.ai (default false). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: "initialLr" | "maxLr" | "minLr";
  endLr: "initialLr" | "maxLr" | "minLr";
  startMomentum: "maxMomentum" | "baseMomentum";
  endMomentum: "maxMomentum" | "baseMomentum";
}

/**
 * The 1cycle policy (Smith & Topin, 2018; `OneCycleLR`): lr rises from
 * `maxLr / divFactor` to `maxLr`, then anneals far below the start, while
 * momentum moves the opposite way. Step it after every batch.
 *
 * @example
 * const sched = new optim.OneCycleLR(opt, 0.1, { totalSteps: epochs * loader.length });
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: "cos" | "linear";
  readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer<any>, maxLr: number | number[], options: OneCycleOptions = {}) {
    const {
      pctStart = 0.3,
      annealStrategy = "cos",
      cycleMomentum = true,
      baseMomentum = 0.85,
      maxMomentum = 0.95,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
      lastEpoch = -1,
    } = options;
    let totalSteps: number;
    if (options.totalSteps !== undefined) {
      if (!(options.totalSteps > 0 && Number.isInteger(options.totalSteps))) {
        throw new ValueError(
          `Expected positive integer total_steps, but got ${options.totalSteps}`,
        );
      }
      totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      if (!(options.epochs > 0 && Number.isInteger(options.epochs))) {
        throw new ValueError(`Expected positive integer epochs, but got ${options.epochs}`);
      }
      if (!(options.stepsPerEpoch > 0 && Number.isInteger(options.stepsPerEpoch))) {
        throw new ValueError(
          `Expected positive integer steps_per_epoch, but got ${options.stepsPerEpoch}`,
        );
      }
      totalSteps = options.epochs * options.stepsPerEpoch;
    } else {
      throw new ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)");
    }
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    }
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ValueError(
        `anneal_strategy must by one of 'cos' or 'linear', instead got ${annealStrategy}`,
      );
    }
    const groups = optimizer.paramGroups as Array<Group & Record<string, unknown>>;
    const maxLrs = Array.isArray(maxLr) ? maxLr : groups.map(() => maxLr);
    if (maxLrs.length !== groups.length) {
      throw new ValueError(`expected ${groups.length} values for max_lr, got ${maxLrs.length}`);
    }
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i]! / divFactor;
      g.maxLr = maxLrs[i];
      g.minLr = g.initialLr / finalDivFactor;
    });
    const useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !useBeta1) {
        throw new ValueError(
          "optimizer must support momentum with `cycle_momentum` option enabled",
        );
      }
      for (const g of groups) {
        if (useBeta1) g.betas = [maxMomentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = maxMomentum;
        g.maxMomentum = maxMomentum;
        g.baseMomentum = baseMomentum;
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: 2 * pctStart * totalSteps - 2,
            startLr: "maxLr",
            endLr: "initialLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
          {
            endStep: totalSteps - 1,
            startLr: "initialLr",
            endLr: "minLr",
            startMomentum: "maxMomentum",
            endMomentum: "maxMomentum",
          },
        ]
      : [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: totalSteps - 1,
            startLr: "maxLr",
            endLr: "minLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        `Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((raw) => {
      const g = raw as Group & Record<string, number | number[]>;
      let start = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (phase.endStep - start);
          const lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(
              g[phase.startMomentum] as number,
              g[phase.endMomentum] as number,
              pct,
            );
            if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
            else g.momentum = m;
          }
          return lr;
        }
        start = phase.endStep;
      }
      return g.lr;
    });
  }
}

/**
 * Runs `schedulers` one after another, switching at each of `milestones`
 * (`SequentialLR`); e.g. a LinearLR warm-up followed by cosine annealing.
 *
 * @example
 * const sched = new optim.SequentialLR(opt, [
 *   new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 }),
 *   new optim.CosineAnnealingLR(opt, 95),
 * ], [5]);
 */
export class SequentialLR {
  readonly optimizer: AnyOptimizer;
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  lastEpoch: number;
  private lastLr: number[];

  constructor(
    optimizer: Optimizer<any>,
    schedulers: LRScheduler[],
    milestones: number[],
    { lastEpoch = -1 }: { lastEpoch?: number } = {},
  ) {
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this.schedulers = schedulers;
    this.milestones = milestones;
    this.lastEpoch = lastEpoch + 1;
    for (const g of optimizer.paramGroups as Group[]) g.lr = g.initialLr!;
    // Undo the construction-time step each scheduler took, then replay the first one's.
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!.initialStep();
    this.lastLr = schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }
}

export interface ReduceLROnPlateauOptions {
  /** "min": lower metric is better (a loss); "max": higher is better (accuracy). */
  mode?: "min" | "max";
  /** Multiplier applied to the lr on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group. */
  minLr?: number | number[];
  /** Reductions smaller than this are ignored (default 1e-8). */
  eps?: number;
}

/**
 * Divides the lr by `1/factor` when a validation metric stops improving for
 * `patience` epochs (`ReduceLROnPlateau`): the lectures' "divide by 2-5 when
 * validation stalls". Pass the metric to `step(metric)` each epoch.
 *
 * @example
 * const sched = new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 3 });
 * sched.step(validationLoss);
 */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer<any>, options: ReduceLROnPlateauOptions = {}) {
    const {
      mode = "min",
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = "rel",
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    if (factor >= 1) throw new ValueError("Factor should be < 1.0.");
    if (mode !== "min" && mode !== "max") throw new ValueError(`mode ${mode} is unknown!`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new ValueError(`threshold mode ${thresholdMode} is unknown!`);
    }
    const groups = optimizer.paramGroups;
    if (Array.isArray(minLr) && minLr.length !== groups.length) {
      throw new ValueError(`expected ${groups.length} min_lrs, got ${minLr.length}`);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : groups.map(() => minLr);
    this.eps = eps;
    this.best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.lastLr = groups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min")
      return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records this epoch's metric and reduces the lr after a plateau. */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
