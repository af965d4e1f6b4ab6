/**
 * Rate limiting for live displays. A training loop can log hundreds of
 * times a second; sending each as update_display_data would flood the
 * front end and the saved notebook's history, so updates are coalesced:
 * at most one per interval, and the latest state is always sent last.
 */

/** Time source and timers, injectable so tests can drive time by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Wall-clock time and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const pending = new Set<Throttle>();

/**
 * Sends every live display's pending final state now. The kernel calls this
 * when a cell finishes, so the last update lands before the cell reports
 * idle and headless runs (nbclient, `lectern run`) save the final state.
 *
 * @example
 * flushPendingDisplays();
 */
export function flushPendingDisplays(): void {
  for (const t of [...pending]) t.flush();
}

/**
 * Calls `emit` at most once per `intervalMs`, with trailing delivery: a
 * request inside the interval schedules one emission at the interval's end,
 * and further requests until then are absorbed by it.
 *
 * @example
 * const t = new Throttle(() => send(state), 100);
 * for (const x of xs) { state = x; t.request(); }
 * t.flush();
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private dirty = false;

  constructor(
    private readonly emit: () => void,
    readonly intervalMs = 100,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The state changed: emit now if the interval has passed, else once at its
   * end. Checking the clock here, not only in the timer, keeps a synchronous
   * training loop live: its timers cannot fire until the loop ends.
   */
  request(): void {
    this.dirty = true;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.cancelTimer();
      this.fire();
      return;
    }
    if (this.timer !== undefined) return;
    pending.add(this);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Emits the pending state now, if there is one. */
  flush(): void {
    this.cancelTimer();
    if (this.dirty) this.fire();
  }

  private fire(): void {
    pending.delete(this);
    this.dirty = false;
    this.last = this.clock.now();
    this.emit();
  }
}
