import type { Backend } from "./backends/backend.js";
import type { DType } from "./dtype.js";
import { DeviceError } from "./errors.js";

interface Held {
  backend: Backend;
  handle: unknown;
}

// Frees device memory when the last tensor (view) using a storage is
// collected, so users never call dispose() (tfjs's tidy/dispose leaks are
// what this avoids).
const finalizer = new FinalizationRegistry<Held>(({ backend, handle }) => backend.free(handle));

/**
 * A block of device memory shared by a tensor and all its views. It also
 * carries the version counter that autograd uses to detect a saved tensor
 * modified in place.
 */
export class Storage {
  /** Bumped by every in-place write; shared by all views of this storage. */
  version = 0;
  #handle: unknown;

  constructor(
    readonly backend: Backend,
    handle: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.#handle = handle;
    if (!backend.garbageCollected) finalizer.register(this, { backend, handle }, this);
  }

  get device(): string {
    return this.backend.name;
  }

  get disposed(): boolean {
    return this.#handle === undefined;
  }

  /** The backend's handle; throws when the storage was disposed. */
  get handle(): unknown {
    if (this.#handle === undefined) {
      throw new DeviceError(
        "this tensor was disposed (t.dispose()) and its memory released; recompute it or keep it alive",
      );
    }
    return this.#handle;
  }

  /** Releases the memory now; every tensor sharing it becomes unusable. */
  dispose(): void {
    if (this.#handle === undefined) return;
    finalizer.unregister(this);
    this.backend.free(this.#handle);
    this.#handle = undefined;
  }
}
