/**
 * The kernel installs a check here that throws when the user pressed
 * interrupt; every op dispatch calls `checkInterrupt()`, so an async training
 * loop stops between two tensor ops instead of running to its end.
 */
let check: (() => void) | undefined;

/** Installs (or with `undefined` removes) the function every op dispatch calls first. */
export function setInterruptCheck(fn: (() => void) | undefined): void {
  check = fn;
}

/** Runs the installed interrupt check; a no-op when none is installed. */
export function checkInterrupt(): void {
  if (check !== undefined) check();
}
