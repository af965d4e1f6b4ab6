import { createRequire } from "node:module";
import type * as TS from "typescript";

let loaded: typeof TS | undefined;

/**
 * The TypeScript compiler, loaded on first use: requiring it costs a few
 * hundred milliseconds, which must not delay the kernel's first kernel_info.
 */
export function typescript(): typeof TS {
  loaded ??= createRequire(import.meta.url)("typescript") as typeof TS;
  return loaded;
}
