/** `nn.utils`: gradient clipping, flat parameter vectors, pruning, packed sequences, fake quantisation. */
export { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from "./clip.js";
export * as prune from "./prune.js";
export { calculateQParams, fakeQuantize } from "./quantization.js";
export * as rnn from "./rnn.js";
