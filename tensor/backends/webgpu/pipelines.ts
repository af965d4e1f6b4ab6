/**
 * Compute pipelines, compiled once per (op, dtype, shape class) key.
 *
 * WGSL compilation is the slowest thing a WebGPU backend does (tens of ms per
 * shader); kernels generate source specialised to what the key names — rank,
 * dtype, tile sizes — and nothing else, so a training loop compiles each
 * shader once.
 */

const cache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/**
 * The pipeline for `key` on `device`, compiling `source()` on a miss.
 *
 * @example
 * const p = pipelineFor(device, "fill:float32", () => wgsl);
 */
export function pipelineFor(
  device: GPUDevice,
  key: string,
  source: () => string,
): GPUComputePipeline {
  let pipelines = cache.get(device);
  if (!pipelines) {
    pipelines = new Map();
    cache.set(device, pipelines);
  }
  let pipeline = pipelines.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ label: key, code: source() });
    pipeline = device.createComputePipeline({
      label: key,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    pipelines.set(key, pipeline);
  }
  return pipeline;
}

/** Number of pipelines compiled for `device` (tests check the cache works). */
export function pipelineCount(device: GPUDevice): number {
  return cache.get(device)?.size ?? 0;
}
