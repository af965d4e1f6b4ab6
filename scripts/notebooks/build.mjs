#!/usr/bin/env node
// Builds the lecture notebooks (notebooks/NN-name.ipynb) from their readable
// sources (scripts/notebooks/NN-name.md), so a lecture is edited and reviewed
// as text and the committed .ipynb never drifts from it.
//
// Source format: Markdown. Every ```ts fenced block is a code cell; the text
// between code cells is a Markdown cell, and a line holding only `+++` splits
// Markdown into several cells (a new slide). Other fences (```text, ```python)
// stay inside the Markdown.
//
//   node scripts/notebooks/build.mjs          writes every notebook
//   node scripts/notebooks/build.mjs 03 07    only lectures 03 and 07
//   node scripts/notebooks/build.mjs --check  exits 1 if a notebook differs
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const sourceDir = join(root, "scripts", "notebooks");
export const notebookDir = join(root, "notebooks");

/** The lecture sources, sorted: [{ stem: "01-tensors-and-autograd", path }]. */
export function sources() {
  return readdirSync(sourceDir)
    .filter((f) => /^\d\d-.*\.md$/.test(f))
    .sort()
    .map((f) => ({ stem: f.slice(0, -3), path: join(sourceDir, f) }));
}

function toLines(text) {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l) => l !== "");
}

/** The cells of one source text: [{ type: "markdown" | "code", text }]. */
export function parseCells(text) {
  const cells = [];
  let markdown = [];
  const flush = () => {
    const body = markdown.join("\n").trim();
    if (body) cells.push({ type: "markdown", text: body });
    markdown = [];
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "```ts") {
      flush();
      const code = [];
      for (i++; i < lines.length && lines[i].trim() !== "```"; i++) code.push(lines[i]);
      if (i === lines.length) throw new Error(`unclosed \`\`\`ts block (line ${code.length})`);
      cells.push({ type: "code", text: code.join("\n").trim() });
    } else if (line.trim() === "+++") {
      flush();
    } else {
      markdown.push(line);
    }
  }
  flush();
  return cells;
}

/** The notebook (nbformat 4.5, no outputs) for one source text. */
export function buildNotebook(stem, text) {
  return {
    cells: parseCells(text).map((c, i) => {
      const id = `${stem.slice(0, 2)}-${String(i).padStart(3, "0")}`;
      return c.type === "code"
        ? {
            cell_type: "code",
            execution_count: null,
            id,
            metadata: {},
            outputs: [],
            source: toLines(c.text),
          }
        : { cell_type: "markdown", id, metadata: {}, source: toLines(c.text) };
    }),
    metadata: {
      kernelspec: { display_name: "TypeScript (lectern)", language: "typescript", name: "lectern" },
      language_info: { file_extension: ".ts", mimetype: "text/typescript", name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** The exact text written to notebooks/<stem>.ipynb. */
export function notebookText(stem, text) {
  return `${JSON.stringify(buildNotebook(stem, text), null, 1)}\n`;
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const only = args.filter((a) => !a.startsWith("--"));
  let stale = 0;
  for (const { stem, path } of sources()) {
    if (only.length > 0 && !only.some((n) => stem.startsWith(n.padStart(2, "0")))) continue;
    const target = join(notebookDir, `${stem}.ipynb`);
    const want = notebookText(stem, readFileSync(path, "utf8"));
    let have = "";
    try {
      have = readFileSync(target, "utf8");
    } catch {}
    if (have === want) continue;
    if (check) {
      console.error(`${target} is out of date: run node scripts/notebooks/build.mjs`);
      stale++;
    } else {
      writeFileSync(target, want);
      console.log(`wrote ${target}`);
    }
  }
  process.exit(stale ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
