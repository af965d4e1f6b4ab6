/**
 * `nn.functional` (preloaded as `F` in the kernel): the stateless versions
 * of every layer and the losses. Layers hold parameters and call these;
 * the convolution, pooling, resizing, normalisation, dropout and embedding
 * primitives are the tensor library's own.
 *
 * @example
 * const y = F.relu(F.conv2d(x, w, b, { padding: 1 }));
 * const loss = F.crossEntropy(logits, labels);
 */
export { gcnNorm } from "../graph.js";
export { sinusoidalEncoding } from "../positional.js";
export { fakeQuantize } from "../utils/quantization.js";
export {
  elu,
  gelu,
  hardtanh,
  leakyRelu,
  logSoftmax,
  prelu,
  relu,
  relu6,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "./activation.js";
export { type AttentionOptions, causalMask, scaledDotProductAttention } from "./attention.js";
export { cosineSimilarity, normalize, pairwiseDistance } from "./distance.js";
export { bilinear, linear } from "./linear.js";
export * from "./loss.js";
export {
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from "../../tensor/ops/conv.js";
export { dropout, dropout1d, dropout2d, dropout3d } from "../../tensor/ops/dropout.js";
export { embedding } from "../../tensor/ops/embedding.js";
export {
  batchNorm,
  groupNorm,
  layerNorm,
  localResponseNorm,
} from "../../tensor/ops/normalization.js";
export { interpolate, upsample } from "../../tensor/ops/interpolate.js";
export { pad } from "../../tensor/ops/layout.js";
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
} from "../../tensor/ops/pool.js";
export { fold, unfold } from "../../tensor/ops/unfold.js";
export { oneHot } from "./onehot.js";
