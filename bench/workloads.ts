/** The benchmark workloads (issue "CPU speed"), shared by every peer. */
export interface WorkloadInfo {
  name: string;
  /** What one call does, for the table. */
  description: string;
  /** Floating-point operations per call, for GFLOPS columns. */
  flops?: number;
  /** Bytes read + written per call, for GB/s columns. */
  bytes?: number;
}

const gemm = (n: number): WorkloadInfo => ({
  name: `sgemm-${n}`,
  description: `C = A·B, ${n}×${n} fp32`,
  flops: 2 * n ** 3,
});

const conv = 2 * 32 * 64 * 64 * 9 * 56 * 56;
const n16m = 16 * 1024 * 1024;

/**
 * Memory rows run first in each peer process, so the high-water mark is the
 * training step's own (plus the runtime's baseline, which is subtracted).
 */
const memory = (step: string, what: string): WorkloadInfo => ({
  name: `${step}-memory`,
  description: `peak RSS growth over 20 ${what} steps, in MB (not ms)`,
});

export const WORKLOADS: WorkloadInfo[] = [
  memory("mlp-step", "MLP"),
  memory("lenet-step", "LeNet"),
  gemm(256),
  gemm(512),
  gemm(1024),
  gemm(2048),
  { name: "conv2d-fwd", description: "conv2d 32×64×56×56, 64→64, 3×3, pad 1", flops: conv },
  { name: "conv2d-bwd", description: "its input + weight gradients", flops: 2 * conv },
  { name: "mlp-step", description: "MLP 784-256-10 train step, batch 128" },
  { name: "lenet-step", description: "LeNet-5 train step, batch 64, 28×28" },
  { name: "resblock-step", description: "ResNet basic block fwd+bwd, 32×64×32×32" },
  { name: "lstm-step", description: "LSTM seq 50, batch 32, 64→128, fwd+bwd" },
  { name: "softmax-16M", description: "softmax over rows of 16384×1024", bytes: 2 * 4 * n16m },
  { name: "layernorm-16M", description: "layer norm over rows of 16384×1024", bytes: 2 * 4 * n16m },
  { name: "add-16M", description: "a + b, 16M fp32", bytes: 3 * 4 * n16m },
];
