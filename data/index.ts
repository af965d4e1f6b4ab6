/**
 * Datasets, loaders and transforms: `import * as lt from "lectern"; lt.data.DataLoader`.
 * Preloaded as `data` in the kernel.
 */
export * from "./cifar.js";
export * from "./download.js";
export * from "./idx.js";
export * from "./karate.js";
export * from "./mnist.js";
export * from "./tar.js";
export * from "./text.js";
