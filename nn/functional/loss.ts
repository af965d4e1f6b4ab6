/**
 * Loss functions (PyTorch's torch/nn/functional.py losses), composed from
 * tensor ops so their gradients come from autograd. Every loss takes
 * `reduction`: "mean" (default), "sum" or "none".
 */
import { ShapeError, ValueError } from "../../tensor/errors.js";
import { record } from "../../tensor/autograd/node.js";
import { noGrad, randnLike, where } from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/** How a loss combines per-element values. */
export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  /** "mean" (default), "sum" or "none". */
  reduction?: Reduction;
}

function reduce(op: string, loss: Tensor, reduction: Reduction = "mean"): Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  if (reduction === "none") return loss;
  throw new ValueError(
    `${op}: reduction "${String(reduction)}" is not one of "mean", "sum", "none"`,
  );
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  const a = input.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(
      `${op}: input [${a}] and target [${b}] must have the same shape (reshape the target, e.g. target.reshape(input.shape))`,
    );
  }
}

/**
 * Mean squared error `(input - target)²` (`F.mse_loss`).
 *
 * @example
 * F.mseLoss(lt.tensor([1, 2]), lt.tensor([1, 4])); // 2
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  sameShape("mseLoss", input, target);
  return reduce("mseLoss", input.sub(target).square(), options.reduction);
}

/** Mean absolute error `|input - target|` (`F.l1_loss`). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  sameShape("l1Loss", input, target);
  return reduce("l1Loss", input.sub(target).abs(), options.reduction);
}

/**
 * `0.5 d²/beta` where `|d| < beta`, else `|d| - beta/2` (`F.smooth_l1_loss`).
 *
 * @example
 * F.smoothL1Loss(x, y, { beta: 0.5 });
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { beta?: number } = {},
): Tensor {
  const { beta = 1 } = options;
  sameShape("smoothL1Loss", input, target);
  const d = input.sub(target).abs();
  if (beta === 0) return reduce("smoothL1Loss", d, options.reduction);
  const loss = where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta));
  return reduce("smoothL1Loss", loss, options.reduction);
}

/** `0.5 d²` where `|d| <= delta`, else `delta (|d| - delta/2)` (`F.huber_loss`). */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { delta?: number } = {},
): Tensor {
  const { delta = 1 } = options;
  sameShape("huberLoss", input, target);
  const d = input.sub(target).abs();
  const loss = where(d.le(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta));
  return reduce("huberLoss", loss, options.reduction);
}

export interface NllOptions extends ReductionOptions {
  /** Per-class weights `[C]`. */
  weight?: Tensor;
  /** Targets equal to this contribute nothing (and do not count in the mean). Default -100. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: `(1-ε)·target + ε/C` (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
}

function classShape(op: string, input: Tensor, target: Tensor): void {
  const s = input.shape;
  const t = target.shape;
  const expected = s.length === 1 ? [] : [s[0], ...s.slice(2)];
  if (t.length !== expected.length || t.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${op}: input [${s}] (classes in dim ${s.length === 1 ? 0 : 1}) needs class-index targets of shape [${expected}], got [${t}]`,
    );
  }
  if (target.dtype !== "int32") {
    throw new ShapeError(`${op}: class-index targets must be int32, got ${target.dtype}`);
  }
}

// Per-element weighted negative log-likelihood and the weight of each
// element (0 for ignored targets): the two sums PyTorch's mean divides.
function nllTerms(op: string, logp: Tensor, target: Tensor, options: NllOptions): [Tensor, Tensor] {
  const { weight, ignoreIndex = -100 } = options;
  const classDim = logp.shape.length === 1 ? 0 : 1;
  const numClasses = logp.shape[classDim]!;
  const keep = target.ne(ignoreIndex);
  const safe = where(keep, target, 0);
  // Reading the check back would stall a GPU; there the gather's own bounds apply.
  const bad = target.device === "cpu" && safe.lt(0).logicalOr(safe.ge(numClasses)).any().itemSync();
  if (bad) {
    throw new ValueError(
      `${op}: target values must be in [0, ${numClasses - 1}] (or ignoreIndex=${ignoreIndex})`,
    );
  }
  const picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  let w = keep.float();
  if (weight !== undefined) {
    if (weight.shape.length !== 1 || weight.shape[0] !== numClasses) {
      throw new ShapeError(
        `${op}: weight must have shape [${numClasses}] (one per class), got [${weight.shape}]`,
      );
    }
    w = w.mul(weight.gather(0, safe.reshape([-1])).reshape(safe.shape));
  }
  return [picked.neg().mul(w), w];
}

function reduceWeighted(
  op: string,
  loss: Tensor,
  w: Tensor,
  reduction: Reduction = "mean",
): Tensor {
  if (reduction === "mean") return loss.sum().div(w.sum());
  return reduce(op, loss, reduction);
}

/**
 * Negative log-likelihood of class indices given log-probabilities
 * (`F.nll_loss`); input `[N, C]` or `[N, C, d1, ...]`, target `[N]` or `[N, d1, ...]`.
 *
 * @example
 * F.nllLoss(F.logSoftmax(logits, 1), labels);
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  classShape("nllLoss", input, target);
  const [loss, w] = nllTerms("nllLoss", input, target, options);
  return reduceWeighted("nllLoss", loss, w, options.reduction);
}

/**
 * Cross entropy between logits and targets (`F.cross_entropy`): targets
 * are class indices (int32, `[N]` or `[N, d1, ...]`) or class
 * probabilities (float, same shape as the input). Supports class
 * `weight`, `ignoreIndex` and `labelSmoothing` with PyTorch's normalisation.
 *
 * @example
 * const loss = F.crossEntropy(model(x), y); // y: int32 labels
 * F.crossEntropy(logits, y, { labelSmoothing: 0.1 });
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const { weight, reduction = "mean", labelSmoothing = 0, ignoreIndex = -100 } = options;
  if (labelSmoothing < 0 || labelSmoothing > 1) {
    throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  const classDim = input.shape.length === 1 ? 0 : 1;
  const numClasses = input.shape[classDim]!;
  const logp = input.logSoftmax(classDim);
  const wShape = input.shape.map((d, i) => (i === classDim ? d : 1));
  if (target.dtype === "float32") {
    sameShape("crossEntropy (probability targets)", input, target);
    let t = target;
    if (labelSmoothing > 0) t = t.mul(1 - labelSmoothing).add(labelSmoothing / numClasses);
    let terms = logp.mul(t);
    if (weight !== undefined) terms = terms.mul(weight.reshape(wShape));
    const loss = terms.sum(classDim).neg();
    if (reduction === "mean") return loss.sum().div(loss.shape.reduce((a, b) => a * b, 1));
    return reduce("crossEntropy", loss, reduction);
  }
  classShape("crossEntropy", input, target);
  const [nll, w] = nllTerms("crossEntropy", logp, target, options);
  const main = reduceWeighted("crossEntropy", nll, w, reduction);
  if (labelSmoothing === 0) return main;
  // PyTorch's cross_entropy_loss_label_smoothing: the smoothing term is
  // -Σ_c w_c logp_c, zeroed at ignored targets, normalised like the nll term.
  const weighted = weight === undefined ? logp : logp.mul(weight.reshape(wShape));
  const smooth = weighted.sum(classDim).neg().mul(target.ne(ignoreIndex).float());
  const smoothReduced = reduceWeighted("crossEntropy", smooth, w, reduction);
  return main.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / numClasses));
}

/**
 * Binary cross entropy of probabilities (`F.binary_cross_entropy`); logs
 * are clamped at -100 as in PyTorch so p = 0 or 1 stays finite.
 *
 * @example
 * F.binaryCrossEntropy(lt.sigmoid(z), y);
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor } = {},
): Tensor {
  sameShape("binaryCrossEntropy", input, target);
  // PyTorch clamps the logs at -100 for the value, and takes the gradient
  // (p - y) / max(p(1 - p), 1e-12) directly: differentiating through the
  // clamped logs would give 0 · ∞ = NaN where a prediction is exactly 0 or 1.
  const value = noGrad(() => {
    const logP = input.log().clamp({ min: -100 });
    const log1mP = input.neg().add(1).log().clamp({ min: -100 });
    return target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
  });
  let loss = record(value, "binaryCrossEntropy", [input], (g) => [
    g.mul(input.sub(target)).div(input.mul(input.neg().add(1)).clamp({ min: 1e-12 })),
  ]);
  if (options.weight !== undefined) loss = loss.mul(options.weight);
  return reduce("binaryCrossEntropy", loss, options.reduction);
}

/**
 * Sigmoid + binary cross entropy in one numerically stable step
 * (`F.binary_cross_entropy_with_logits`); `posWeight` (per class) weighs the
 * positive term to balance rare positives.
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, y, { posWeight: lt.tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor; posWeight?: Tensor } = {},
): Tensor {
  sameShape("binaryCrossEntropyWithLogits", input, target);
  // log(1 + e^-|x|) + max(-x, 0) is log(1 + e^-x) without overflow.
  const softplusNeg = input
    .abs()
    .neg()
    .exp()
    .log1p()
    .add(input.neg().clamp({ min: 0 }));
  let loss: Tensor;
  if (options.posWeight !== undefined) {
    const logWeight = options.posWeight.sub(1).mul(target).add(1);
    loss = target.neg().add(1).mul(input).add(logWeight.mul(softplusNeg));
  } else {
    loss = target.neg().add(1).mul(input).add(softplusNeg);
  }
  if (options.weight !== undefined) loss = loss.mul(options.weight);
  return reduce("binaryCrossEntropyWithLogits", loss, options.reduction);
}

/**
 * Kullback–Leibler divergence KL(target ‖ input) with `input` given as
 * log-probabilities (`F.kl_div`). Use `reduction: "batchmean"` for the
 * mathematical KL per sample; "mean" averages over every element, as PyTorch.
 *
 * @example
 * F.klDiv(F.logSoftmax(student, 1), F.softmax(teacher, 1), { reduction: "batchmean" });
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): Tensor {
  const { reduction = "mean", logTarget = false } = options;
  sameShape("klDiv", input, target);
  const loss = logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(target.clamp({ min: 1e-38 }).log().sub(input)), input.mul(0));
  if (reduction === "batchmean")
    return loss.sum().div(input.shape.length === 0 ? 1 : input.shape[0]!);
  return reduce("klDiv", loss, reduction);
}

/**
 * `1 - cos(x1, x2)` for pairs labelled 1, `max(0, cos - margin)` for pairs
 * labelled -1 (`F.cosine_embedding_loss`).
 *
 * @example
 * F.cosineEmbeddingLoss(a, b, lt.tensor([1, -1]), { margin: 0.2 });
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: ReductionOptions & { margin?: number } = {},
): Tensor {
  const { margin = 0 } = options;
  sameShape("cosineEmbeddingLoss", input1, input2);
  const dim = input1.shape.length - 1;
  const eps = 1e-12;
  const prod = input1.mul(input2).sum(dim);
  const mag1 = input1.square().sum(dim).add(eps);
  const mag2 = input2.square().sum(dim).add(eps);
  const cos = prod.div(mag1.mul(mag2).sqrt());
  const pos = where(target.eq(1), cos.neg().add(1), 0);
  const neg = where(target.eq(-1), cos.sub(margin).clamp({ min: 0 }), 0);
  return reduce("cosineEmbeddingLoss", pos.add(neg), options.reduction);
}

/**
 * Samples `z = mu + σ·ε` with ε ~ N(0, I) and σ = exp(logvar/2), the VAE
 * reparameterisation trick (Kingma & Welling 2014): gradients flow to mu
 * and logvar through the sample.
 *
 * @example
 * const z = F.reparameterize(mu, logvar);
 */
export function reparameterize(mu: Tensor, logvar: Tensor): Tensor {
  return mu.add(logvar.mul(0.5).exp().mul(randnLike(mu)));
}

/**
 * KL(N(mu, σ²) ‖ N(0, I)) = -½ Σ (1 + logvar - mu² - σ²), summed over
 * the latent dims and the batch (or per sample with "none").
 */
export function gaussianKl(
  mu: Tensor,
  logvar: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  const { reduction = "sum" } = options;
  const terms = logvar.add(1).sub(mu.square()).sub(logvar.exp()).mul(-0.5);
  if (reduction === "none") return terms.sum(terms.shape.length - 1);
  if (reduction === "mean") return terms.sum().div(terms.shape.length > 1 ? terms.shape[0]! : 1);
  return terms.sum();
}

/** What `vaeLoss` returns: the loss to minimise and its two parts. */
export interface VaeLoss {
  loss: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

/**
 * The negative ELBO of a VAE: reconstruction (binary cross entropy for
 * pixel probabilities, or squared error) plus `beta` × KL, summed over the
 * batch like the original paper's example (β-VAE for beta ≠ 1).
 *
 * @example
 * const { loss, reconstruction, kl } = F.vaeLoss(decoded, x, mu, logvar);
 * loss.backward();
 */
export function vaeLoss(
  reconstructed: Tensor,
  input: Tensor,
  mu: Tensor,
  logvar: Tensor,
  options: { reconstruction?: "bce" | "mse"; beta?: number } = {},
): VaeLoss {
  const { reconstruction: kind = "bce", beta = 1 } = options;
  const reconstruction =
    kind === "bce"
      ? binaryCrossEntropy(reconstructed, input, { reduction: "sum" })
      : mseLoss(reconstructed, input, { reduction: "sum" });
  const kl = gaussianKl(mu, logvar);
  return { loss: reconstruction.add(kl.mul(beta)), reconstruction, kl };
}

/** GAN objectives: "nonSaturating" (BCE, Goodfellow et al. 2014), "hinge", "wasserstein". */
export type GanLossKind = "nonSaturating" | "hinge" | "wasserstein";

/**
 * The discriminator's loss on logits for real and generated samples.
 *
 * @example
 * const dLoss = F.ganDiscriminatorLoss(D(real), D(fake.detach()));
 */
export function ganDiscriminatorLoss(
  realLogits: Tensor,
  fakeLogits: Tensor,
  kind: GanLossKind = "nonSaturating",
): Tensor {
  if (kind === "nonSaturating") {
    const real = binaryCrossEntropyWithLogits(realLogits, realLogits.mul(0).add(1));
    const fake = binaryCrossEntropyWithLogits(fakeLogits, fakeLogits.mul(0));
    return real.add(fake);
  }
  if (kind === "hinge") {
    return realLogits.neg().add(1).relu().mean().add(fakeLogits.add(1).relu().mean());
  }
  if (kind === "wasserstein") return fakeLogits.mean().sub(realLogits.mean());
  throw new ValueError(
    `ganDiscriminatorLoss: unknown kind "${String(kind)}"; use nonSaturating, hinge or wasserstein`,
  );
}

/**
 * The generator's loss on the discriminator's logits for generated samples
 * (the non-saturating form maximises log D(G(z))).
 *
 * @example
 * const gLoss = F.ganGeneratorLoss(D(fake));
 */
export function ganGeneratorLoss(fakeLogits: Tensor, kind: GanLossKind = "nonSaturating"): Tensor {
  if (kind === "nonSaturating")
    return binaryCrossEntropyWithLogits(fakeLogits, fakeLogits.mul(0).add(1));
  if (kind === "hinge" || kind === "wasserstein") return fakeLogits.mean().neg();
  throw new ValueError(
    `ganGeneratorLoss: unknown kind "${String(kind)}"; use nonSaturating, hinge or wasserstein`,
  );
}

/**
 * Knowledge distillation (Hinton et al. 2015): `alpha · T² · KL(teacher_T ‖
 * student_T) + (1 - alpha) · CE(student, labels)`, where `_T` are softmaxes
 * at temperature T; the T² keeps gradient magnitudes comparable across T.
 * Without labels only the soft term is returned (alpha ignored).
 *
 * @example
 * const loss = F.distillationLoss(student(x), teacherLogits, y, { temperature: 4, alpha: 0.7 });
 */
export function distillationLoss(
  studentLogits: Tensor,
  teacherLogits: Tensor,
  target?: Tensor,
  options: { temperature?: number; alpha?: number } = {},
): Tensor {
  const { temperature = 4, alpha = 0.5 } = options;
  if (!(temperature > 0))
    throw new ValueError(`distillationLoss: temperature must be > 0, got ${temperature}`);
  const soft = klDiv(
    studentLogits.div(temperature).logSoftmax(1),
    teacherLogits.detach().div(temperature).softmax(1),
    { reduction: "batchmean" },
  ).mul(temperature * temperature);
  if (target === undefined) return soft;
  return soft.mul(alpha).add(crossEntropy(studentLogits, target).mul(1 - alpha));
}
