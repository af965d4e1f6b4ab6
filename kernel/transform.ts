/**
 * Turns a TypeScript cell into JavaScript that runs as a classic script in
 * the kernel's realm with REPL semantics:
 *
 * - top-level `const`/`let`/`var`/`class` become assignments to globals, so a
 *   later cell sees them and re-running a cell may redeclare them;
 * - `import` becomes `await __lectern_import(...)` (resolved from the
 *   notebook's directory), so imports may be re-run too;
 * - cells with top-level `await` run inside an async arrow function whose
 *   last expression is returned; other cells run as plain scripts, whose
 *   completion value is the last expression.
 *
 * Line breaks are preserved by every rewrite, and `positionInCell` maps a
 * position in the generated code back through the edits and TypeScript's
 * source map to the cell, for tracebacks.
 */
import { SourceMap } from "node:module";
import type * as TS from "typescript";
import { typescript } from "./typescript.js";

/** A diagnostic with 1-based cell line and column. */
export interface CellDiagnostic {
  line: number;
  column: number;
  length: number;
  code: number;
  message: string;
  category: "error" | "warning";
}

export interface CompiledCell {
  /** The JavaScript to run. */
  js: string;
  /** True when the code is wrapped in an async function (top-level await or import). */
  isAsync: boolean;
  /** True when the cell ends with an expression whose value is Out[n]. */
  hasResult: boolean;
  /** Global names the cell (re)declares; they exist as globals before the cell runs. */
  declared: string[];
  /** Syntax errors found while transpiling. */
  syntaxErrors: CellDiagnostic[];
  /** Maps a 1-based line/column of `js` to the 1-based line/column in the cell. */
  positionInCell(line: number, column: number): { line: number; column: number } | undefined;
}

/** The global function that cells call for `import`. */
export const IMPORT_FUNCTION = "__lectern_import";
/**
 * The global function every `await` in cell code passes its operand
 * through: it raises a pending interrupt, so even a loop that only awaits
 * resolved promises (and never yields to the event loop) can be stopped.
 */
export const AWAIT_FUNCTION = "__lectern_await";

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Keeps the line structure: a replacement carries as many line breaks as the text it replaces. */
function padLines(text: string, replaced: string): string {
  const breaks = replaced.split("\n").length - 1;
  return text + "\n".repeat(breaks);
}

function boundNames(ts: typeof TS, name: TS.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) {
    out.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) boundNames(ts, element.name, out);
  }
}

function hasTopLevelAwait(ts: typeof TS, node: TS.Node): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier !== undefined)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

const TRANSPILE_OPTIONS = (ts: typeof TS): TS.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  // Keep every import: a name imported here may only be used by a later cell.
  verbatimModuleSyntax: true,
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
  inlineSources: false,
  esModuleInterop: true,
  useDefineForClassFields: true,
});

function toDiagnostic(
  ts: typeof TS,
  d: TS.Diagnostic,
  file: TS.SourceFile | undefined,
): CellDiagnostic {
  const start = d.start ?? 0;
  const pos = file ? file.getLineAndCharacterOfPosition(start) : { line: 0, character: 0 };
  return {
    line: pos.line + 1,
    column: pos.character + 1,
    length: d.length ?? 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    category: d.category === ts.DiagnosticCategory.Error ? "error" : "warning",
  };
}

/** Compiles one cell. `source` is the cell's TypeScript text. */
export function compileCell(source: string): CompiledCell {
  const ts = typescript();
  const tsFile = ts.createSourceFile(
    "cell.ts",
    source,
    ts.ScriptTarget.ES2022,
    false,
    ts.ScriptKind.TS,
  );
  const parseDiagnostics =
    (tsFile as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics ?? [];
  const syntaxErrors = parseDiagnostics.map((d) => toDiagnostic(ts, d, tsFile));
  const lastTs = tsFile.statements[tsFile.statements.length - 1];
  const hasResult = lastTs !== undefined && ts.isExpressionStatement(lastTs);

  // `import x = require("m")` is dropped when emitting ES modules; as a
  // script it is a plain require. "import" and "const " have the same
  // length, so positions (and the source map) are unchanged.
  let runnable = source;
  for (const stmt of tsFile.statements) {
    if (
      ts.isImportEqualsDeclaration(stmt) &&
      !stmt.isTypeOnly &&
      ts.isExternalModuleReference(stmt.moduleReference)
    ) {
      const at = stmt.getStart(tsFile);
      if (runnable.startsWith("import", at))
        runnable = `${runnable.slice(0, at)}const ${runnable.slice(at + 6)}`;
    }
  }
  const out = ts.transpileModule(runnable, {
    compilerOptions: TRANSPILE_OPTIONS(ts),
    fileName: "cell.ts",
  });
  const js = out.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, "");
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);

  const edits: Edit[] = [];
  const declared: string[] = [];
  const functions: string[] = [];
  let isAsync = hasTopLevelAwait(ts, file);
  const replace = (start: number, end: number, text: string) =>
    edits.push({ start, end, text: padLines(text, js.slice(start, end)) });
  const removeModifiers = (node: TS.HasModifiers) => {
    for (const m of ts.getModifiers(node) ?? []) {
      if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
        replace(m.getStart(file), m.end, " ".repeat(m.end - m.getStart(file)));
      }
    }
  };

  for (const stmt of file.statements) {
    const start = stmt.getStart(file);
    if (ts.isImportDeclaration(stmt)) {
      isAsync = true;
      const spec = stmt.moduleSpecifier.getText(file);
      const load = `await ${IMPORT_FUNCTION}(${spec})`;
      const clause = stmt.importClause;
      if (clause === undefined) {
        replace(start, stmt.end, `;${load};`);
        continue;
      }
      if (clause.isTypeOnly) {
        replace(start, stmt.end, "");
        continue;
      }
      const bindings = clause.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
        const ns = bindings.name.text;
        declared.push(ns);
        const def = clause.name ? `, ${clause.name.text} = ${ns}.default` : "";
        if (clause.name) declared.push(clause.name.text);
        replace(start, stmt.end, `;(${ns} = ${load}${def});`);
        continue;
      }
      const props: string[] = [];
      if (clause.name) {
        props.push(`default: ${clause.name.text}`);
        declared.push(clause.name.text);
      }
      for (const el of bindings?.elements ?? []) {
        if (el.isTypeOnly) continue;
        props.push(`${el.propertyName ? `${el.propertyName.getText(file)}: ` : ""}${el.name.text}`);
        declared.push(el.name.text);
      }
      replace(
        start,
        stmt.end,
        props.length ? `;({ ${props.join(", ")} } = ${load});` : `;${load};`,
      );
    } else if (ts.isExportDeclaration(stmt)) {
      replace(start, stmt.end, "");
    } else if (ts.isExportAssignment(stmt)) {
      replace(start, stmt.expression.getStart(file), ";");
    } else if (ts.isVariableStatement(stmt)) {
      const decls = stmt.declarationList.declarations;
      const first = decls[0];
      if (first === undefined) continue;
      replace(start, first.getStart(file), ";(");
      for (const d of decls) {
        boundNames(ts, d.name, declared);
        if (d.initializer === undefined)
          edits.push({ start: d.name.end, end: d.name.end, text: " = void 0" });
      }
      edits.push({ start: stmt.declarationList.end, end: stmt.declarationList.end, text: ")" });
    } else if (ts.isFunctionDeclaration(stmt)) {
      removeModifiers(stmt);
      if (stmt.name) {
        declared.push(stmt.name.text);
        functions.push(stmt.name.text);
      }
    } else if (ts.isClassDeclaration(stmt) && stmt.name) {
      removeModifiers(stmt);
      const modifiers = ts.getModifiers(stmt) ?? [];
      const after = modifiers.length ? (modifiers[modifiers.length - 1] as TS.Node).end : start;
      const keyword = js.indexOf("class", after);
      edits.push({ start: keyword, end: keyword, text: `;${stmt.name.text} = ` });
      edits.push({ start: stmt.end, end: stmt.end, text: ";" });
      declared.push(stmt.name.text);
    }
  }

  // TypeScript appends `export {};` to a module without exports; it is not the last expression.
  const last = file.statements.filter((s) => !ts.isExportDeclaration(s)).pop();
  const visit = (node: TS.Node): void => {
    // `import(x)` in a classic script has no module loader; route it like static imports.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      edits.push({
        start: node.expression.getStart(file),
        end: node.expression.end,
        text: IMPORT_FUNCTION,
      });
    }
    if (ts.isAwaitExpression(node)) {
      edits.push({
        start: node.expression.getStart(file),
        end: node.expression.getStart(file),
        text: `${AWAIT_FUNCTION}(`,
      });
      edits.push({ start: node.expression.end, end: node.expression.end, text: ")" });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let prefix = '"use strict";';
  let suffix = "";
  if (isAsync) {
    const hoisted = functions.map((f) => `globalThis.${f} = ${f};`).join(" ");
    prefix += `(async () => { ${hoisted}`;
    suffix = "\n})()";
    if (hasResult && last !== undefined && ts.isExpressionStatement(last)) {
      edits.push({
        start: last.expression.getStart(file),
        end: last.expression.getStart(file),
        text: "return (",
      });
      edits.push({ start: last.expression.end, end: last.expression.end, text: ")" });
    }
  }

  // Apply the edits, remembering which output offsets come from which input offsets.
  edits.sort((a, b) => a.start - b.start);
  const segments: { outStart: number; inStart: number; length: number }[] = [];
  let output = prefix;
  let cursor = 0;
  for (const e of edits) {
    if (e.start < cursor) continue;
    segments.push({ outStart: output.length, inStart: cursor, length: e.start - cursor });
    output += js.slice(cursor, e.start);
    segments.push({ outStart: output.length, inStart: e.start, length: 0 });
    output += e.text;
    cursor = e.end;
  }
  segments.push({ outStart: output.length, inStart: cursor, length: js.length - cursor });
  output += js.slice(cursor) + suffix;

  let sourceMap: SourceMap | undefined;
  let outLines: number[] | undefined;
  const positionInCell = (line: number, column: number) => {
    outLines ??= lineStarts(output);
    const offset = (outLines[line - 1] ?? 0) + column - 1;
    let inOffset = 0;
    for (const s of segments) {
      if (s.outStart > offset) break;
      inOffset = s.inStart + Math.min(offset - s.outStart, s.length);
    }
    const pos = file.getLineAndCharacterOfPosition(inOffset);
    sourceMap ??= new SourceMap(JSON.parse(out.sourceMapText ?? "{}"));
    const entry = sourceMap.findEntry(pos.line, pos.character) as {
      originalLine?: number;
      originalColumn?: number;
      generatedLine?: number;
      generatedColumn?: number;
    };
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    // findEntry returns the mapping at or before the position; carry the
    // remaining distance along when it is on the same generated line.
    const extra =
      entry.generatedLine === pos.line ? pos.character - (entry.generatedColumn ?? 0) : 0;
    return { line: entry.originalLine + 1, column: entry.originalColumn + 1 + Math.max(0, extra) };
  };

  return {
    js: output,
    isAsync,
    hasResult,
    declared: [...new Set(declared)],
    syntaxErrors,
    positionInCell,
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
