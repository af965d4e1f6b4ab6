/**
 * A pool of GPU buffers by size class.
 *
 * Creating and destroying GPU buffers is slow and fragments memory; a training
 * loop allocates the same sizes every step. Buffers are rounded up to a size
 * class and kept on a free list when their tensor is collected, so step N+1
 * reuses step N's buffers and GPU memory stays flat.
 *
 * Reuse is safe without fences: a buffer goes back on a free list only after
 * the submit of the last command that touched it (queue.ts), and the WebGPU
 * queue runs writeBuffer/submit in call order, so a later user's writes land
 * after every earlier read.
 */

/** Smallest buffer the pool hands out (also keeps zero-size tensors bindable). */
const MIN_CLASS = 256;

/**
 * Rounds `bytes` up to its size class: powers of two up to 1 MiB, then four
 * classes per power of two (at most 25% waste for large tensors).
 *
 * @example
 * sizeClass(300); // 512
 * sizeClass(5 * 2 ** 20); // 5 MiB (between 4 MiB and 8 MiB: 4, 5, 6, 7 MiB)
 */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const pow = 2 ** Math.ceil(Math.log2(bytes));
  if (pow <= 2 ** 20) return pow;
  const step = pow / 8;
  return Math.ceil(bytes / step) * step;
}

export const STORAGE_USAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST
export const READBACK_USAGE = 0x01 | 0x08; // MAP_READ | COPY_DST

/** Counters for tests and `lt.devices()`: they prove the pool reuses buffers. */
export interface PoolStats {
  /** Bytes in buffers handed out and not yet returned. */
  inUseBytes: number;
  /** Bytes in buffers waiting on free lists. */
  freeBytes: number;
  /** Buffers created over the pool's life (flat in a steady loop). */
  created: number;
  /** Acquisitions served from a free list. */
  reused: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  readonly stats: PoolStats = { inUseBytes: 0, freeBytes: 0, created: 0, reused: 0 };

  /**
   * @param maxFreeBytes free buffers beyond this are destroyed instead of kept
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly maxFreeBytes: number,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    this.stats.inUseBytes += size;
    if (reused) {
      this.stats.freeBytes -= size;
      this.stats.reused++;
      return reused;
    }
    this.stats.created++;
    return this.device.createBuffer({ size, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.stats.inUseBytes -= size;
    if (this.stats.freeBytes + size > this.maxFreeBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.stats.freeBytes += size;
  }

  /** Destroys every free buffer (after an out-of-memory error, or on shutdown). */
  trim(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.stats.freeBytes = 0;
  }
}
