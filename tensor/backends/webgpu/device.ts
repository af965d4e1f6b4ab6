/**
 * Finding and holding the one WebGPU device lectern uses.
 *
 * In Node the device comes from the `webgpu` npm package (Google's Dawn). It
 * is acquired lazily — nothing touches the GPU until a tensor is put on
 * "webgpu" or `lt.devices()` is asked — because loading Dawn and starting a
 * (possibly software) Vulkan driver costs every process that never uses it.
 * Acquisition is asynchronous in WebGPU, so the rest of the backend records
 * work while it is pending and runs it once the device is there (queue.ts).
 */

import { DeviceError } from "../../errors.js";

/** What `lt.devices()` reports about the WebGPU adapter. */
export interface WebGPUAdapterReport {
  device: "webgpu";
  available: boolean;
  /** Human-readable adapter name, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  name: string;
  vendor: string;
  architecture: string;
  /**
   * True for CPU implementations of the GPU API (Mesa lavapipe/llvmpipe,
   * SwiftShader, WARP): correct but slow, good for tests, not for training.
   */
  software: boolean;
  /** The limits the device was created with (the adapter's maxima). */
  limits: Record<string, number>;
  /** Optional features lectern uses that the adapter has (e.g. "shader-f16"). */
  features: string[];
  /** Why the device is unavailable, with the fix (only when `available` is false). */
  reason?: string;
}

/** The acquired device and what lectern derived from its adapter. */
export interface GPUContext {
  /**
   * Dawn's GPU object. Held for the device's life: Dawn stops delivering
   * async results (mapAsync) once it is collected, and Node then exits with
   * the read-back still pending.
   */
  gpu: GPU;
  device: GPUDevice;
  report: WebGPUAdapterReport;
  /** Largest 1-D workgroup lectern dispatches (<= 256 on every adapter). */
  workgroupSize: number;
  maxWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  minStorageBufferOffsetAlignment: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  hasF16: boolean;
}

type State =
  | { kind: "idle" }
  | { kind: "pending"; promise: Promise<GPUContext> }
  | { kind: "ready"; ctx: GPUContext }
  | { kind: "failed"; error: DeviceError; report: WebGPUAdapterReport };

let state: State = { kind: "idle" };
const lostListeners: Array<(reason: string) => void> = [];

const FIX =
  'Install a WebGPU driver (on Debian/Ubuntu without a GPU, `sudo bash scripts/setup-system.sh` installs Mesa lavapipe, a software Vulkan driver), or use device "cpu".';

// Limits raised from the WebGPU defaults to the adapter's maxima: the defaults
// (e.g. 128 MiB bindings, 256 MiB buffers) are far below what GPUs offer.
const RAISED_LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
] as const;

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|software|warp|microsoft basic render/i;

function unavailableReport(reason: string): WebGPUAdapterReport {
  return {
    device: "webgpu",
    available: false,
    name: "",
    vendor: "",
    architecture: "",
    software: false,
    limits: {},
    features: [],
    reason,
  };
}

function limitsOf(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // GPUSupportedLimits exposes its values as prototype getters, so neither
  // Object.keys nor spreading sees them; for..in walks the prototype chain.
  for (const key in limits) {
    const value = (limits as unknown as Record<string, unknown>)[key];
    if (typeof value === "number") out[key] = value;
  }
  return out;
}

async function acquire(): Promise<GPUContext> {
  let gpu: GPU;
  try {
    const dawn = (await import("webgpu")) as { create(o: string[]): GPU; globals: object };
    // Dawn's constants (GPUBufferUsage, GPUMapMode, ...) are read as globals
    // by our code and by @webgpu/types; installing them does not override
    // anything Node already defines.
    for (const [key, value] of Object.entries(dawn.globals)) {
      if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
    }
    gpu = dawn.create([]);
  } catch (e) {
    throw new DeviceError(
      `webgpu: could not load the WebGPU implementation (the "webgpu" npm package): ${(e as Error).message}. ${FIX}`,
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new DeviceError(`webgpu: no WebGPU adapter found on this machine. ${FIX}`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const key of RAISED_LIMITS) {
    const value = adapter.limits[key];
    if (typeof value === "number") requiredLimits[key] = value;
  }
  const hasF16 = adapter.features.has("shader-f16");
  const device = await adapter.requestDevice({
    requiredLimits,
    requiredFeatures: hasF16 ? ["shader-f16"] : [],
  });
  const info = adapter.info;
  const name = info.description || info.device || info.vendor || "unknown adapter";
  const software =
    Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
    info.architecture === "software" ||
    SOFTWARE_NAMES.test(`${info.description} ${info.device}`);
  const limits = limitsOf(device.limits);
  const report: WebGPUAdapterReport = {
    device: "webgpu",
    available: true,
    name,
    vendor: info.vendor,
    architecture: info.architecture,
    software,
    limits,
    features: hasF16 ? ["shader-f16"] : [],
  };
  device.lost.then((lost) => {
    // A device destroyed on purpose (GPUDevice.destroy()) is not news.
    if (state.kind === "ready" && state.ctx.device === device) state = { kind: "idle" };
    if (lost.reason !== "destroyed") for (const listener of lostListeners) listener(lost.message);
  });
  const maxInvocations = device.limits.maxComputeInvocationsPerWorkgroup;
  return {
    gpu,
    device,
    report,
    workgroupSize: Math.min(256, maxInvocations, device.limits.maxComputeWorkgroupSizeX),
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    minStorageBufferOffsetAlignment: device.limits.minStorageBufferOffsetAlignment,
    maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: maxInvocations,
    hasF16,
  };
}

/**
 * Starts acquiring the device if nobody has yet and returns the promise of it.
 * Rejects with a `DeviceError` naming the fix when no adapter exists.
 *
 * @example
 * const { report } = await initWebGPU();
 * console.log(report.name, report.software);
 */
export function initWebGPU(): Promise<GPUContext> {
  switch (state.kind) {
    case "ready":
      return Promise.resolve(state.ctx);
    case "pending":
      return state.promise;
    case "failed":
      return Promise.reject(state.error);
    case "idle": {
      const promise = acquire().then(
        (ctx) => {
          state = { kind: "ready", ctx };
          return ctx;
        },
        (e: unknown) => {
          const error =
            e instanceof DeviceError
              ? e
              : new DeviceError(`webgpu: requesting the device failed: ${String(e)}. ${FIX}`);
          state = { kind: "failed", error, report: unavailableReport(error.message) };
          throw error;
        },
      );
      // The failure is reported to whoever awaits; this only keeps Node from
      // calling an unawaited background acquisition "unhandled".
      promise.catch(() => {});
      state = { kind: "pending", promise };
      return promise;
    }
  }
}

/** The device if it is acquired, else undefined (never starts acquiring). */
export function readyContext(): GPUContext | undefined {
  return state.kind === "ready" ? state.ctx : undefined;
}

/**
 * Throws the acquisition error if acquiring has already failed, so that ops on
 * "webgpu" fail at the user's line instead of at a later read-back.
 */
export function throwIfUnavailable(op: string): void {
  if (state.kind === "failed") {
    throw new DeviceError(`${op}: ${state.error.message.replace(/^webgpu: /, "")}`);
  }
}

/**
 * The adapter report: name, vendor, limits, whether it is software. Never
 * throws; an unavailable adapter is reported with the reason and the fix.
 *
 * @example
 * const r = await webgpuReport();
 * if (!r.available) console.log(r.reason);
 */
export async function webgpuReport(): Promise<WebGPUAdapterReport> {
  try {
    return (await initWebGPU()).report;
  } catch {
    return state.kind === "failed" ? state.report : unavailableReport(FIX);
  }
}

/** Calls `listener(message)` when the device is lost (driver reset, OOM kill). */
export function onDeviceLost(listener: (message: string) => void): void {
  lostListeners.push(listener);
}
