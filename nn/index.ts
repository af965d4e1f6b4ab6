/**
 * `nn`: modules, layers, losses, initialisation, state dicts and model
 * summaries, with PyTorch's names, defaults and state-dict keys.
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const loss = F.crossEntropy(model(x), y);
 */
export {
  ELU,
  GELU,
  LeakyReLU,
  LogSoftmax,
  PReLU,
  ReLU,
  ReLU6,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from "./activation.js";
export { MultiheadAttention, type MultiheadAttentionForwardOptions } from "./attention.js";
export { ModuleDict, ModuleList, Sequential } from "./containers.js";
export {
  Conv1d,
  Conv2d,
  Conv3d,
  type ConvLayerOptions,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  type ConvTransposeLayerOptions,
} from "./conv.js";
export { Dropout, Dropout2d } from "./dropout.js";
export { Embedding } from "./embedding.js";
export * as functional from "./functional/index.js";
export { GCNConv, gcnNorm } from "./graph.js";
export * as init from "./init.js";
export { Bilinear, Flatten, Identity, Linear, Unflatten } from "./linear.js";
export {
  BCELoss,
  BCEWithLogitsLoss,
  CosineEmbeddingLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from "./loss.js";
export {
  deepCopy,
  type ForwardHook,
  type ForwardPreHook,
  type IncompatibleKeys,
  Module,
  type RemovableHandle,
  type StateDict,
} from "./module.js";
export {
  BatchNorm1d,
  BatchNorm2d,
  BatchNorm3d,
  type BatchNormOptions,
  GroupNorm,
  LayerNorm,
  LocalResponseNorm,
} from "./normalization.js";
export { Parameter } from "./parameter.js";
export {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AvgPool3d,
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  MaxUnpool1d,
  MaxUnpool2d,
  MaxUnpool3d,
  Upsample,
} from "./pooling.js";
export { LearnedPositionalEncoding, PositionalEncoding, sinusoidalEncoding } from "./positional.js";
export { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type RNNOptions } from "./rnn.js";
export { decodeSafetensors, encodeSafetensors, type RawTensor } from "./safetensors.js";
export { load, loadMetadata, save } from "./serialization.js";
export { ModelSummary, type SummaryRow, summary } from "./summary.js";
export {
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from "./transformer.js";
export * as utils from "./utils/index.js";
export { FakeQuantize } from "./utils/quantization.js";
export { PackedSequence } from "./utils/rnn.js";
