/**
 * Optimizers, learning-rate schedulers, gradient clipping and early stopping:
 * `import * as lt from "lectern"; new lt.optim.Adam(...)`. Preloaded as
 * `optim` in the kernel.
 */
export * from "./adadelta.js";
export * from "./adagrad.js";
export * from "./adam.js";
export * from "./adamw.js";
// Gradient clipping lives in nn.utils (as torch.nn.utils); optim re-exports it for training loops.
export { clipGradNorm_, clipGradValue_ } from "../nn/utils/clip.js";
export * from "./earlyStopping.js";
export * from "./optimizer.js";
export * from "./rmsprop.js";
export * from "./schedulers.js";
export * from "./sgd.js";
