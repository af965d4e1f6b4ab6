let enabled = true;

/** True while operations are recorded for backward (`torch.is_grad_enabled`). */
export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    enabled = prev;
    throw e;
  }
  // An async callback keeps the mode until its promise settles, so
  // `await lt.noGrad(async () => ...)` covers every line of the callback.
  if (result instanceof Promise) {
    return result.finally(() => {
      enabled = prev;
    }) as T;
  }
  enabled = prev;
  return result;
}

/**
 * Runs `fn` without recording operations for autograd (`torch.no_grad()`):
 * results do not require grad and use no memory for backward.
 *
 * @example
 * const y = lt.noGrad(() => model(x)); // inference
 */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/**
 * Runs `fn` with recording switched on, even inside `noGrad` (`torch.enable_grad()`).
 *
 * @example
 * lt.noGrad(() => lt.enableGrad(() => x.mul(2))).requiresGrad; // true if x requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}

/** Switches recording on or off until switched back (`torch.set_grad_enabled`). */
export function setGradEnabled(mode: boolean): void {
  enabled = mode;
}
