/**
 * lectern: tensors, autograd, nn, optim, data and rich display for
 * TypeScript notebooks. `import * as lt from "lectern"`.
 */
export * from "./tensor/index.js";
export * as nn from "./nn/index.js";
export { load, loadMetadata, save } from "./nn/serialization.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as display from "./display/index.js";
