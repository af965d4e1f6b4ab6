/**
 * GPU storage and the command queue: ops record dispatches and return at once;
 * dispatches are encoded into one command encoder per batch and submitted
 * when a read-back needs them, when the batch is large, or at the end of the
 * current JavaScript turn. Read-back (`readStorage`) is the only wait.
 *
 * Storage lifetime: a `WebGPUStorage` owns a pooled buffer through a small
 * `BufferCell`. When the storage object is garbage-collected (or freed
 * eagerly) the buffer returns to the pool — after the batch that last used it
 * has been submitted, so no pending command ever reads a reused buffer.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DeviceError, LecternError } from "../../errors.js";
import {
  type GPUContext,
  initWebGPU,
  onDeviceLost,
  readyContext,
  throwIfUnavailable,
} from "./device.js";
import { pipelineFor } from "./pipelines.js";
import { BufferPool, type PoolStats, READBACK_USAGE, STORAGE_USAGE } from "./pool.js";

/** Element types as stored on the GPU: every dtype takes one 32-bit word. */
export type GPUDType = "float32" | "int32" | "bool";

/** The part of a storage the finalizer may touch (it must not hold the storage). */
interface BufferCell {
  buffer?: GPUBuffer;
  /** Data to write when the buffer is materialised (uploads made before the device was ready). */
  pending?: Uint32Array;
  /** Id of the last batch that referenced the buffer. */
  batch: number;
  /** Freed (disposed or collected); the buffer goes back to the pool once no recorded dispatch needs it. */
  released: boolean;
  /** The pool that owns `buffer` (pools change when the device is re-acquired). */
  pool?: BufferPool;
}

/**
 * An opaque handle to `length` elements of 32-bit words on the GPU. Shape,
 * strides and offset live in the tensor; the storage only knows its size.
 */
export class WebGPUStorage {
  /** @internal */
  readonly cell: BufferCell = { batch: -1, released: false };
  constructor(
    readonly length: number,
    readonly dtype: GPUDType,
  ) {
    collected.register(this, this.cell, this.cell);
  }
  get byteLength(): number {
    return this.length * 4;
  }
}

/** A compute dispatch, recorded now and encoded at the next flush. */
export interface Dispatch {
  /** The op that asked for it (named in device errors). */
  op: string;
  /** Pipeline cache key: everything `source` depends on. */
  key: string;
  /** WGSL source; called only on a pipeline-cache miss. */
  source: () => string;
  /** Bound at 0..n-1, in order; the shader declares their access. */
  buffers: WebGPUStorage[];
  /** Small per-dispatch parameters, bound after the buffers as `array<u32>`. */
  meta: Uint32Array;
  workgroups: [number, number, number];
}

/** Largest batch before a flush: bounds encoder size and memory held by pending tensors. */
const MAX_BATCH = 128;
/** GPUMapMode.READ, spelled out so this module needs no WebGPU globals. */
const MAP_READ = 1;

interface DeviceState {
  ctx: GPUContext;
  pool: BufferPool;
  staging: BufferPool;
}

let current: DeviceState | undefined;
let pending: Dispatch[] = [];
let batchId = 0;
let flushScheduled = false;
/** Buffers freed while a pending dispatch still used them. */
let releaseAfterFlush: BufferCell[] = [];
/** Error-scope results of submitted batches, checked at the next read-back. */
let errorChecks: Array<Promise<LecternError | undefined>> = [];
let lostMessage: string | undefined;

onDeviceLost((message) => {
  lostMessage = message;
  current = undefined;
});

const collected = new FinalizationRegistry<BufferCell>((cell) => releaseCell(cell));

function releaseCell(cell: BufferCell): void {
  if (cell.released) return;
  cell.released = true;
  // Recorded dispatches may still read it (and write its upload first).
  if (cell.batch === batchId && pending.length > 0) {
    releaseAfterFlush.push(cell);
    return;
  }
  returnBuffer(cell);
}

function returnBuffer(cell: BufferCell): void {
  const buffer = cell.buffer;
  cell.buffer = undefined;
  cell.pending = undefined;
  // A buffer of a device that has since been lost or released is not pooled.
  if (buffer && cell.pool && current && cell.pool === current.pool) cell.pool.release(buffer);
}

function deviceState(): DeviceState | undefined {
  const ctx = readyContext();
  if (!ctx) return undefined;
  if (!current || current.ctx !== ctx) {
    // Keep at most a quarter of the binding limit (and at most 1 GiB) idle.
    const maxFree = Math.min(2 ** 30, ctx.maxBufferSize / 4);
    current = {
      ctx,
      pool: new BufferPool(ctx.device, STORAGE_USAGE, maxFree),
      staging: new BufferPool(ctx.device, READBACK_USAGE, 64 * 2 ** 20),
    };
  }
  return current;
}

function checkAlive(op: string): void {
  throwIfUnavailable(op);
  if (lostMessage !== undefined) {
    const message = lostMessage;
    lostMessage = undefined;
    throw new DeviceError(
      `${op}: the WebGPU device was lost (${message}); tensors on "webgpu" are gone. Re-create them (the next op acquires a new device), or use device "cpu".`,
    );
  }
}

function materialise(state: DeviceState, storage: WebGPUStorage, op: string): GPUBuffer {
  const cell = storage.cell;
  if (!cell.buffer) {
    checkSize(storage.length, op);
    cell.buffer = state.pool.acquire(storage.byteLength);
    cell.pool = state.pool;
    if (cell.pending) {
      state.ctx.device.queue.writeBuffer(cell.buffer, 0, cell.pending);
      cell.pending = undefined;
    }
  }
  return cell.buffer;
}

/**
 * A new storage holding `data` (one 32-bit word per element; bool is 0/1 u32).
 * The copy happens now; the GPU write happens as soon as the device is ready.
 */
export function uploadStorage(data: Uint32Array, dtype: GPUDType): WebGPUStorage {
  checkAlive("to(webgpu)");
  checkSize(data.length);
  initWebGPU().catch(() => {});
  const storage = new WebGPUStorage(data.length, dtype);
  const state = deviceState();
  if (state && data.length > 0) {
    storage.cell.pending = data;
    materialise(state, storage, "to(webgpu)");
  } else {
    storage.cell.pending = data.slice();
  }
  return storage;
}

/** A new storage of `length` elements whose contents the next dispatch writes. */
export function allocStorage(length: number, dtype: GPUDType): WebGPUStorage {
  checkSize(length);
  return new WebGPUStorage(length, dtype);
}

/**
 * Throws when a tensor cannot be bound on this adapter: at the user's line
 * once the device is known, else when the batch is encoded.
 */
function checkSize(length: number, op = "webgpu"): void {
  const limit = readyContext()?.maxStorageBufferBindingSize ?? Number.POSITIVE_INFINITY;
  if (length * 4 > limit) {
    throw new DeviceError(
      `${op}: a tensor of ${length} elements (${length * 4} bytes) exceeds this adapter's largest storage binding (${limit} bytes); split the work into smaller batches, or use device "cpu"`,
    );
  }
}

/** Frees a storage now instead of when it is collected (`t.dispose()`). Idempotent. */
export function freeStorage(storage: WebGPUStorage): void {
  collected.unregister(storage.cell);
  releaseCell(storage.cell);
}

/**
 * Records a dispatch. Returns at once; the GPU runs it after the next flush.
 */
export function enqueue(dispatch: Dispatch): void {
  checkAlive(dispatch.op);
  for (const storage of dispatch.buffers) {
    if (storage.cell.released) {
      throw new LecternError(`${dispatch.op}: a webgpu tensor was used after dispose()`);
    }
    storage.cell.batch = batchId;
  }
  pending.push(dispatch);
  if (pending.length >= MAX_BATCH && readyContext()) flush();
  else scheduleFlush();
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  // Submitting at the end of the turn lets the GPU start while the host keeps
  // going; setImmediate (not a microtask) so a synchronous op chain batches.
  const run = () => {
    flushScheduled = false;
    if (readyContext()) {
      // Nobody is on the stack to catch here: report at the next read-back.
      try {
        flush();
      } catch (e) {
        noteError(Promise.resolve(e as LecternError));
      }
    } else if (pending.length > 0)
      initWebGPU().then(
        () => scheduleFlush(),
        () => {},
      );
  };
  setImmediate(run).unref?.();
}

function metaArena(
  state: DeviceState,
  batch: Dispatch[],
): { buffer: GPUBuffer; offsets: number[] } {
  const align = Math.max(16, state.ctx.minStorageBufferOffsetAlignment);
  const offsets: number[] = [];
  let size = 0;
  for (const d of batch) {
    offsets.push(size);
    size += Math.ceil(Math.max(d.meta.byteLength, 4) / align) * align;
  }
  const bytes = new Uint8Array(size);
  batch.forEach((d, i) => {
    bytes.set(new Uint8Array(d.meta.buffer, d.meta.byteOffset, d.meta.byteLength), offsets[i]);
  });
  const buffer = state.pool.acquire(size);
  state.ctx.device.queue.writeBuffer(buffer, 0, bytes);
  return { buffer, offsets };
}

/**
 * Encodes every recorded dispatch into one command encoder and submits it.
 * No-op while the device is still being acquired (the batch waits for it).
 */
export function flush(): void {
  const state = deviceState();
  if (!state || pending.length === 0) return;
  const batch = pending;
  const releases = releaseAfterFlush;
  pending = [];
  releaseAfterFlush = [];
  batchId++;
  const device = state.ctx.device;
  device.pushErrorScope("out-of-memory");
  device.pushErrorScope("validation");
  let thrown: unknown;
  let arena: { buffer: GPUBuffer; offsets: number[] } | undefined;
  try {
    arena = metaArena(state, batch);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    batch.forEach((d, i) => {
      const pipeline = pipelineFor(device, d.key, d.source);
      const entries: GPUBindGroupEntry[] = d.buffers.map((s, binding) => ({
        binding,
        resource: { buffer: materialise(state, s, d.op), size: Math.max(s.byteLength, 4) },
      }));
      entries.push({
        binding: d.buffers.length,
        resource: {
          buffer: arena!.buffer,
          offset: arena!.offsets[i],
          size: Math.max(d.meta.byteLength, 4),
        },
      });
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }),
      );
      pass.dispatchWorkgroups(...d.workgroups);
    });
    pass.end();
    device.queue.submit([encoder.finish()]);
  } catch (e) {
    thrown = e;
  }
  const ops = [...new Set(batch.map((d) => d.op))].join(", ");
  const validation = device.popErrorScope();
  const oom = device.popErrorScope();
  noteError(
    Promise.all([oom, validation]).then(([oomError, validationError]) => {
      if (oomError) {
        state.pool.trim();
        return new DeviceError(
          `${ops}: the GPU ran out of memory (${oomError.message}). Free tensors you no longer need (t.dispose()), use smaller batches, or use device "cpu".`,
        );
      }
      if (validationError) {
        return new DeviceError(
          `${ops}: the WebGPU device rejected the work (${validationError.message}). This is a lectern bug; please report it. Meanwhile use .to("cpu").`,
        );
      }
      return undefined;
    }),
  );
  if (arena) state.pool.release(arena.buffer);
  for (const cell of releases) returnBuffer(cell);
  relieveMemoryPressure(state);
  if (thrown !== undefined) {
    if (thrown instanceof LecternError) throw thrown;
    throw new DeviceError(`${ops}: encoding GPU work failed: ${String(thrown)}`);
  }
}

/** Keeps a batch's error check for the next read-back; folds old checks so a loop that never reads stays small. */
function noteError(check: Promise<LecternError | undefined>): void {
  errorChecks.push(check);
  if (errorChecks.length > 64) {
    const all = errorChecks;
    errorChecks = [Promise.all(all).then((errors) => errors.find((e) => e !== undefined))];
  }
}

async function throwDeviceErrors(): Promise<void> {
  const checks = errorChecks;
  errorChecks = [];
  for (const error of await Promise.all(checks)) if (error) throw error;
}

/**
 * Reads a storage back: flushes pending work, copies into a mappable staging
 * buffer and waits for it. The only place that waits for the GPU.
 *
 * @param start first element to read, @param length number of elements
 */
export async function readStorage(
  storage: WebGPUStorage,
  start = 0,
  length = storage.length - start,
): Promise<Uint32Array> {
  checkAlive("read");
  if (storage.cell.released)
    throw new LecternError("read: a webgpu tensor was used after dispose()");
  if (length === 0) return new Uint32Array(0);
  if (
    !storage.cell.buffer &&
    storage.cell.pending &&
    pending.every((d) => !d.buffers.includes(storage))
  ) {
    return storage.cell.pending.slice(start, start + length);
  }
  await initWebGPU();
  flush();
  const state = deviceState()!;
  const device = state.ctx.device;
  const source = materialise(state, storage, "read");
  const bytes = length * 4;
  // copyBufferToBuffer needs 4-byte aligned offsets and sizes; ours are words.
  const staging = state.staging.acquire(bytes);
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, start * 4, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  // If `storage` is collected during the await its buffer may be reused, but
  // only by work queued after this copy, so the copy still reads our data.
  try {
    await staging.mapAsync(MAP_READ, 0, bytes);
  } catch (e) {
    await throwDeviceErrors();
    throw new DeviceError(`read: mapping the GPU result failed: ${(e as Error).message}`);
  }
  const out = new Uint32Array(staging.getMappedRange(0, bytes).slice(0));
  staging.unmap();
  state.staging.release(staging);
  await throwDeviceErrors();
  return out;
}

/**
 * Waits until every op queued on the GPU has finished (`torch.cuda.synchronize`);
 * rejects with a LecternError if one failed (e.g. out of memory). Reading a
 * tensor waits by itself; benchmarks need this.
 *
 * @example
 * await synchronize();
 */
export async function synchronize(): Promise<void> {
  if (pending.length === 0 && errorChecks.length === 0) return;
  await initWebGPU();
  flush();
  await readyContext()!.device.queue.onSubmittedWorkDone();
  await throwDeviceErrors();
}

/**
 * JavaScript's garbage collector sees a GPU tensor as a small object: it
 * does not know each one pins a GPU buffer, so a loop can fill GPU memory
 * long before the JS heap asks for a collection. When GPU memory in use
 * doubles since the last collection (and passes a floor), we collect, so
 * finalizers return the dead tensors' buffers to the pool and memory stays
 * flat.
 */
const COLLECT_FLOOR = 32 * 2 ** 20;
let collectAbove = COLLECT_FLOOR;
let gcFunction: (() => void) | null | undefined;

function garbageCollector(): (() => void) | null {
  if (gcFunction === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    try {
      if (typeof exposed === "function") gcFunction = exposed;
      else {
        // The documented way to reach V8's collector without a command-line flag.
        setFlagsFromString("--expose-gc");
        gcFunction = runInNewContext("gc") as () => void;
      }
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

function relieveMemoryPressure(state: DeviceState): void {
  if (state.pool.stats.inUseBytes < collectAbove) return;
  const gc = garbageCollector();
  if (!gc) return;
  gc();
  collectAbove = Number.POSITIVE_INFINITY;
  // Finalizers run after this task; re-arm at twice what survives them.
  setImmediate(() => {
    collectAbove = Math.max(COLLECT_FLOOR, 2 * state.pool.stats.inUseBytes);
  }).unref?.();
}

/** Pool counters of the current device (zeros before it is acquired). */
export function poolStats(): PoolStats {
  return current
    ? { ...current.pool.stats }
    : { inUseBytes: 0, freeBytes: 0, created: 0, reused: 0 };
}
