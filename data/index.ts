/**
 * Datasets, loaders and transforms: `import * as lt from "lectern"; lt.data.DataLoader`.
 * Preloaded as `data` in the kernel.
 */
export * from "./cifar.js";
export * from "./dataloader.js";
export * from "./dataset.js";
export * from "./download.js";
export * from "./idx.js";
export * from "./karate.js";
export * from "./mnist.js";
export * from "./sequences.js";
export * from "./shapes.js";
export * from "./synthetic.js";
export * from "./tar.js";
export * from "./text.js";
export * as functional from "./transforms/functional.js";
export * from "./transforms/transforms.js";
export * from "./vision.js";
export type { WorkerCapable, WorkerSpec } from "./workerPool.js";
