/**
 * Type-checks cells with a TypeScript language service over a virtual file
 * set: each executed cell is a module `__lectern_cell_N.ts` in the notebook's
 * directory (so npm packages and local files resolve as they do at run
 * time); what earlier cells declared is brought into scope by a footer
 * appended after the cell's text (`import { x } from "./__lectern_cell_3.js"`,
 * `declare let y: typeof import(...).y` for reassignable names), so positions
 * in the cell are unchanged and a redeclared name simply comes from the newest
 * cell. A prelude declares the preloaded `lt`, `nn`, `optim`, `data`,
 * `display`, `F` from lectern's own `.d.ts`.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TS from "typescript";
import type { CellDiagnostic } from "./transform.js";
import { typescript } from "./typescript.js";

/** Declarations of the tslab compatibility module (`kernel/tslab.ts`). */
const TSLAB_TYPES = `declare module "tslab" {
  export interface Display {
    javascript(s: string): void;
    html(s: string): void;
    markdown(s: string): void;
    latex(s: string): void;
    svg(s: string): void;
    png(b: Uint8Array): void;
    jpeg(b: Uint8Array): void;
    gif(b: Uint8Array): void;
    pdf(b: Uint8Array): void;
    text(s: string): void;
    raw(contentType: string, b: string | Uint8Array): void;
  }
  export const display: Display;
  export function newDisplay(): Display;
  export const versions: { tslab: string; typescript: string; node: string };
}
`;

type NameKind = "assignable" | "binding";

/** A completion list in UTF-16 offsets of the cell text. */
export interface CellCompletions {
  start: number;
  end: number;
  entries: { name: string; kind: string }[];
}

export class CellTypechecker {
  private readonly ts = typescript();
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly fsCache = {
    exists: new Map<string, boolean>(),
    directories: new Map<string, boolean>(),
    realpaths: new Map<string, string>(),
  };
  /** Newest declaration of every top-level name: the cell file it lives in. */
  private readonly names = new Map<string, { file: string; kind: NameKind }>();
  private readonly snapshots = new Map<
    string,
    { version: string; snapshot: TS.IScriptSnapshot | undefined }
  >();
  private next = 1;
  /** The pending cell: checked, completed and inspected here. */
  private readonly current: string;
  /** Root files never change, so TypeScript can reuse the previous program's structure. */
  private readonly roots: string[];
  private readonly service: TS.LanguageService;
  private readonly options: TS.CompilerOptions;

  constructor(private readonly cwd: string) {
    const ts = this.ts;
    const lecternIndex = fileURLToPath(new URL("../index.js", import.meta.url));
    const typeRoots = [join(cwd, "node_modules", "@types")];
    try {
      typeRoots.push(
        dirname(dirname(createRequire(import.meta.url).resolve("@types/node/package.json"))),
      );
    } catch {
      // @types/node is a dependency of lectern; without it only Node globals lose their types.
    }
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      moduleDetection: ts.ModuleDetectionKind.Force,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots,
      // `lectern` and its exported subpaths resolve to this kernel's own
      // package, wherever the notebook lives (as the runtime loader does).
      paths: {
        lectern: [lecternIndex.replace(/\.js$/, ".d.ts")],
        "lectern/*": [join(dirname(lecternIndex), "*", "index.d.ts")],
      },
      strict: true,
      // Notebook code is exploratory; untyped parameters are allowed (as in tslab).
      noImplicitAny: false,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      allowImportingTsExtensions: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
      useDefineForClassFields: true,
    };
    this.setFile(
      this.path("__lectern_prelude.d.ts"),
      `import * as __lectern from ${JSON.stringify(lecternIndex)};
declare global {
  export import lt = __lectern;
  export import nn = __lectern.nn;
  export import optim = __lectern.optim;
  export import data = __lectern.data;
  export import display = __lectern.display;
  export import F = __lectern.nn.functional;
  /** Asks the front end for a line of input (Jupyter stdin); null when cancelled. */
  function prompt(message?: string, defaultValue?: string): string | null;
  /** Asks a yes/no question through Jupyter stdin. */
  function confirm(message?: string): boolean;
}
`,
    );
    this.setFile(this.path("__lectern_tslab.d.ts"), TSLAB_TYPES);
    this.current = this.path("__lectern_cell.ts");
    this.setFile(this.current, "export {};");
    this.roots = [
      this.path("__lectern_prelude.d.ts"),
      this.path("__lectern_tslab.d.ts"),
      this.current,
    ];
    // Rebuilding the program for each cell re-resolves every module of
    // @types/node and lectern; answering those file-system questions from a
    // cache makes a cell's check take milliseconds instead of tens of them.
    const cached =
      <T>(cache: Map<string, T>, f: (p: string) => T) =>
      (p: string) => {
        if (!cache.has(p)) cache.set(p, f(p));
        return cache.get(p) as T;
      };
    const fs = this.fsCache;
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => this.roots,
      getScriptVersion: (f) => {
        const virtual = this.files.get(f);
        if (virtual) return String(virtual.version);
        // The notebook's own .ts files may be edited while the kernel runs.
        if (f.includes("/node_modules/") || !f.startsWith(this.cwd)) return "0";
        return String(statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      },
      getScriptSnapshot: (f) => {
        const virtual = this.files.get(f);
        if (virtual) return ts.ScriptSnapshot.fromString(virtual.text);
        // The language service asks for a snapshot of every file on every update.
        const version = host.getScriptVersion(f);
        const known = this.snapshots.get(f);
        if (known?.version === version) return known.snapshot;
        const text = ts.sys.readFile(f);
        const snapshot = text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
        this.snapshots.set(f, { version, snapshot });
        return snapshot;
      },
      getCurrentDirectory: () => this.cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.files.has(f) || cached(fs.exists, ts.sys.fileExists)(f),
      readFile: (f) => this.files.get(f)?.text ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: cached(fs.directories, (d) => ts.sys.directoryExists(d)),
      getDirectories: ts.sys.getDirectories,
      realpath: cached(fs.realpaths, (p) => ts.sys.realpath?.(p) ?? p),
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  private path(name: string): string {
    return join(this.cwd, name).replaceAll("\\", "/");
  }

  private setFile(path: string, text: string): void {
    const old = this.files.get(path);
    if (old?.text === text) return;
    this.files.set(path, { text, version: (old?.version ?? 0) + 1 });
  }

  /** Top-level names a cell declares, with whether a later cell may assign to them. */
  private declarations(source: string): Map<string, NameKind> {
    const ts = this.ts;
    const file = ts.createSourceFile(
      "x.ts",
      source,
      ts.ScriptTarget.ES2022,
      false,
      ts.ScriptKind.TS,
    );
    const out = new Map<string, NameKind>();
    const bind = (name: TS.BindingName, kind: NameKind) => {
      if (ts.isIdentifier(name)) out.set(name.text, kind);
      else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name, kind);
    };
    for (const s of file.statements) {
      if (ts.isVariableStatement(s)) {
        const isConst = (s.declarationList.flags & ts.NodeFlags.Const) !== 0;
        for (const d of s.declarationList.declarations)
          bind(d.name, isConst ? "binding" : "assignable");
      } else if (
        (ts.isFunctionDeclaration(s) ||
          ts.isClassDeclaration(s) ||
          ts.isInterfaceDeclaration(s) ||
          ts.isTypeAliasDeclaration(s) ||
          ts.isEnumDeclaration(s)) &&
        s.name
      ) {
        out.set(s.name.text, "binding");
      } else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) {
        out.set(s.name.text, "binding");
      } else if (ts.isImportDeclaration(s) && s.importClause) {
        const c = s.importClause;
        if (c.name) out.set(c.name.text, "binding");
        const b = c.namedBindings;
        if (b && ts.isNamespaceImport(b)) out.set(b.name.text, "binding");
        else if (b) for (const e of b.elements) out.set(e.name.text, "binding");
      } else if (ts.isImportEqualsDeclaration(s)) {
        out.set(s.name.text, "binding");
      }
    }
    return out;
  }

  /** The footer that exports this cell's names and brings earlier cells' names into scope. */
  private footer(own: Map<string, NameKind>): string {
    const imports = new Map<string, string[]>();
    const lets: string[] = [];
    for (const [name, { file, kind }] of this.names) {
      if (own.has(name)) continue;
      const spec = `./${file.slice(file.lastIndexOf("/") + 1).replace(/\.ts$/, ".js")}`;
      if (kind === "assignable")
        lets.push(`declare let ${name}: typeof import(${JSON.stringify(spec)}).${name};`);
      else imports.set(spec, [...(imports.get(spec) ?? []), name]);
    }
    const lines = [`\n;export { ${[...own.keys()].join(", ")} };`];
    for (const [spec, list] of imports)
      lines.push(`import { ${list.join(", ")} } from ${JSON.stringify(spec)};`);
    lines.push(...lets);
    return lines.join("\n");
  }

  /** Writes `source` as the pending cell (the one root file that changes) and returns its file name. */
  private stage(source: string): string {
    // A cell that imports may use a package installed since the last check.
    if (/\bimport\b|\brequire\s*\(/.test(source))
      for (const cache of Object.values(this.fsCache)) cache.clear();
    this.setFile(this.current, source + this.footer(this.declarations(source)));
    return this.current;
  }

  /** Type errors of `source` as the next cell, with 1-based cell positions. */
  check(source: string): CellDiagnostic[] {
    const ts = this.ts;
    const file = this.stage(source);
    const program = this.service.getProgram();
    const sourceFile = program?.getSourceFile(file);
    const diagnostics = [
      ...this.service.getSyntacticDiagnostics(file),
      ...this.service.getSemanticDiagnostics(file),
    ]
      // TS1202 forbids `import x = require()` in ES modules; cells run it as a require (transform.ts).
      .filter((d) => (d.start === undefined || d.start < source.length) && d.code !== 1202);
    return diagnostics.map((d) => {
      const pos = sourceFile?.getLineAndCharacterOfPosition(d.start ?? 0) ?? {
        line: 0,
        character: 0,
      };
      return {
        line: pos.line + 1,
        column: pos.character + 1,
        length: d.length ?? 0,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        category: d.category === ts.DiagnosticCategory.Error ? "error" : "warning",
      };
    });
  }

  /**
   * Records `source` as an executed cell: later cells see its declarations.
   * Only cells that declare something become files, so a run of cells like
   * `x + 1` keeps the program's module graph unchanged and TypeScript reuses
   * all of it.
   */
  commit(source: string): void {
    const declared = this.declarations(source);
    if (declared.size === 0) return;
    const file = this.path(`__lectern_cell_${this.next++}.ts`);
    this.setFile(file, source + this.footer(declared));
    for (const [name, kind] of declared) this.names.set(name, { file, kind });
  }

  /** Completions at UTF-16 `offset` of `source` (as the next cell). */
  completions(source: string, offset: number): CellCompletions {
    const file = this.stage(source);
    const info = this.service.getCompletionsAtPosition(file, offset, {
      includeCompletionsWithInsertText: true,
      includeCompletionsForModuleExports: false,
    });
    // The word being completed: identifiers may hold any Unicode letter, astral ones included.
    const word0 = /[\p{ID_Continue}$\u200c\u200d]*$/u.exec(source.slice(0, offset))?.[0] ?? "";
    const start = offset - word0.length;
    if (info === undefined) return { start, end: offset, entries: [] };
    const word = source.slice(start, offset);
    const entries = info.entries
      .filter((e) => e.name.startsWith(word) && !e.name.startsWith("__lectern"))
      .sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, kind: e.kind }));
    return { start, end: offset, entries };
  }

  /** Signature and doc comment of the symbol at `offset`, or undefined. */
  quickInfo(
    source: string,
    offset: number,
  ): { signature: string; documentation: string } | undefined {
    const ts = this.ts;
    const file = this.stage(source);
    const at = (o: number) => this.service.getQuickInfoAtPosition(file, o);
    const info = at(offset) ?? (offset > 0 ? at(offset - 1) : undefined);
    if (info === undefined) return undefined;
    const tags = (info.tags ?? []).map(
      (t) => `@${t.name}${t.text ? ` ${ts.displayPartsToString(t.text)}` : ""}`,
    );
    return {
      signature: ts.displayPartsToString(info.displayParts),
      documentation: [ts.displayPartsToString(info.documentation), ...tags]
        .filter(Boolean)
        .join("\n\n"),
    };
  }
}
