/**
 * Module hooks (node:module `register`) for cells: `import` in a cell
 * resolves bare and relative specifiers from the notebook's directory (not
 * from the kernel's own files), and local `.ts` files are transpiled on load.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as TS from "typescript";

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
type NextResolve = (
  specifier: string,
  context: ResolveContext,
) => Promise<{ url: string; format?: string }>;
type NextLoad = (
  url: string,
  context: unknown,
) => Promise<{ format: string; source?: string | Uint8Array }>;

let notebookParent = "";
const kernelModule = new URL("./kernel.js", import.meta.url).href;

export function initialize(data: { cwd: string }): void {
  notebookParent = pathToFileURL(`${data.cwd}/__notebook__.js`).href;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/");
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve) {
  const fromCell = context.parentURL === kernelModule;
  const parentURL = fromCell ? notebookParent : context.parentURL;
  const fromTs = fromCell || (parentURL?.endsWith(".ts") ?? false);
  try {
    return await next(specifier, { ...context, parentURL });
  } catch (err) {
    // TypeScript lets `./util` (and `./util.js`) name `./util.ts`.
    if (fromTs && isRelative(specifier)) {
      for (const candidate of [
        `${specifier}.ts`,
        specifier.replace(/\.js$/, ".ts"),
        `${specifier}/index.ts`,
      ]) {
        if (candidate === specifier) continue;
        try {
          return await next(candidate, { ...context, parentURL });
        } catch {
          // try the next spelling
        }
      }
    }
    // Packages that ship with lectern (e.g. lectern itself) resolve from the kernel.
    // The parent is named again: Node copies the first attempt's context into
    // `context`, so reusing it would resolve from the notebook once more.
    if (fromCell) return next(specifier, { ...context, parentURL: kernelModule });
    throw err;
  }
}

let ts: typeof TS | undefined;

export async function load(url: string, context: unknown, next: NextLoad) {
  if (!url.startsWith("file:") || !/\.[mc]?ts$/.test(url)) return next(url, context);
  ts ??= createRequire(import.meta.url)("typescript") as typeof TS;
  const path = fileURLToPath(url);
  const source = await readFile(path, "utf8");
  const out = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: url.endsWith(".cts") ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      inlineSourceMap: true,
      esModuleInterop: true,
    },
  });
  return {
    format: url.endsWith(".cts") ? "commonjs" : "module",
    source: out.outputText,
    shortCircuit: true,
  };
}
