/**
 * The grading kernel's addon guard, preloaded with `--require` into every
 * thread of the kernel process. Node 20's permission model must allow
 * native addons for the kernel's ZeroMQ sockets (`--allow-addons`), and
 * native code runs outside the permission model. The kernel loads ZeroMQ in
 * its first worker thread (its wire thread, thread id 1); the guard makes
 * `process.dlopen` throw in every other thread, so a submission cannot load
 * an addon itself.
 *
 * Worker threads a submission starts get the guard too: `--require` is
 * inherited through `execArgv`, and the `Worker` constructor is replaced by
 * one that puts the guard back when a submission passes its own `execArgv`.
 * The original constructor stays unreachable (`prototype.constructor` points
 * at the replacement).
 *
 * It is a CommonJS source string because `--require` cannot load ESM on
 * Node 20 and this package is ESM; the worker writes it beside the scratch
 * copy, where the kernel can read but not write it.
 */
export const GUARD_SOURCE = `"use strict";
const { threadId } = require("node:worker_threads");
const workerThreads = require("node:worker_threads");
const guard = "--require=" + __filename;
if (threadId !== 1) {
  Object.defineProperty(process, "dlopen", {
    value() {
      throw new Error("native addons are disabled while grading: they would run outside the sandbox");
    },
    writable: false,
    configurable: false,
  });
}
const Original = workerThreads.Worker;
const Guarded = new Proxy(Original, {
  construct(target, args, newTarget) {
    const [filename, options = {}] = args;
    // Without execArgv a worker inherits the process's, guard included.
    if (options.execArgv === undefined) return Reflect.construct(target, args, newTarget);
    const execArgv = [...options.execArgv];
    if (!execArgv.includes(guard)) execArgv.push(guard);
    return Reflect.construct(target, [filename, { ...options, execArgv }], newTarget);
  },
});
Object.defineProperty(Original.prototype, "constructor", { value: Guarded, writable: false, configurable: false });
Object.defineProperty(workerThreads, "Worker", { value: Guarded, writable: false, configurable: false });
require("node:module").syncBuiltinESMExports();
`;
