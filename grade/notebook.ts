import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { ValueError } from "../tensor/errors.js";
import type { NbgraderMetadata } from "./metadata.js";

/**
 * nbformat 4.5 notebooks as plain data: what `JSON.parse` of an `.ipynb`
 * gives, with every cell's `source` joined into one string and every cell
 * carrying an `id` (nbformat 4.5 made cell ids mandatory).
 */

/** One output of a code cell (nbformat's `output` union, loosely typed). */
export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: "stdout" | "stderr";
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface CellMetadata {
  nbgrader?: NbgraderMetadata;
  [key: string]: unknown;
}

export interface Cell {
  id: string;
  cell_type: "code" | "markdown" | "raw";
  source: string;
  metadata: CellMetadata;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** Joins nbformat's multi-line form (a list of lines) into one string. */
export function joinSource(source: unknown): string {
  if (Array.isArray(source)) return source.join("");
  return typeof source === "string" ? source : "";
}

/** Splits a string into nbformat's list-of-lines form (each line keeps its "\n"). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Parses `.ipynb` text into a {@link Notebook}: checks it is nbformat 4,
 * joins sources and gives cells without a valid unique id a stable one, as
 * `nbformat.validator.normalize` does when upgrading 4.x to 4.5.
 *
 * @example
 * const nb = parseNotebook(readFileSync("hw1.ipynb", "utf8"), "hw1.ipynb");
 * nb.cells[0].source; // "# Homework 1\n..."
 */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValueError(`${name}: not a notebook, its JSON does not parse (${String(err)})`);
  }
  if (raw === null || typeof raw !== "object" || !Array.isArray(raw.cells)) {
    throw new ValueError(`${name}: not a notebook (no "cells" list)`);
  }
  if (raw.nbformat !== 4) {
    throw new ValueError(
      `${name}: nbformat ${raw.nbformat} is not supported; save it with Jupyter as nbformat 4`,
    );
  }
  const seen = new Set<string>();
  const cells: Cell[] = raw.cells.map((c: any, index: number) => {
    const cellType = c?.cell_type;
    if (cellType !== "code" && cellType !== "markdown" && cellType !== "raw") {
      throw new ValueError(
        `${name}: cell ${index} has unknown cell_type ${JSON.stringify(cellType)}`,
      );
    }
    const source = joinSource(c.source);
    let id = typeof c.id === "string" && CELL_ID.test(c.id) && !seen.has(c.id) ? c.id : "";
    if (id === "") id = stableId(`${index}\n${source}`, seen);
    seen.add(id);
    const cell: Cell = {
      id,
      cell_type: cellType,
      source,
      metadata: c.metadata && typeof c.metadata === "object" ? c.metadata : {},
    };
    if (cellType === "code") {
      cell.outputs = Array.isArray(c.outputs) ? c.outputs : [];
      cell.execution_count = typeof c.execution_count === "number" ? c.execution_count : null;
    }
    if (c.attachments !== undefined) cell.attachments = c.attachments;
    return cell;
  });
  return {
    nbformat: 4,
    nbformat_minor: Math.max(5, Number(raw.nbformat_minor) || 0),
    metadata: raw.metadata && typeof raw.metadata === "object" ? raw.metadata : {},
    cells,
  };
}

function stableId(seed: string, taken: Set<string>): string {
  for (let salt = 0; ; salt++) {
    const id = createHash("sha256").update(`${salt}:${seed}`).digest("hex").slice(0, 8);
    if (!taken.has(id)) return id;
  }
}

/**
 * Serialises a notebook the way Jupyter does (1-space indent, sorted keys,
 * sources as lists of lines, trailing newline), so that diffs stay small.
 *
 * @example
 * writeFileSync("out.ipynb", formatNotebook(nb));
 */
export function formatNotebook(nb: Notebook): string {
  const cells = nb.cells.map((cell) => {
    const out: Record<string, unknown> = { ...cell, source: splitLines(cell.source) };
    if (cell.outputs !== undefined) {
      out.outputs = cell.outputs.map((o) =>
        o.text !== undefined ? { ...o, text: splitLines(joinSource(o.text)) } : o,
      );
    }
    return out;
  });
  return `${JSON.stringify(sortKeys({ ...nb, cells }), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    out[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * Reads and parses an `.ipynb` file.
 *
 * @example
 * const nb = readNotebook("source/hw1.ipynb");
 */
export function readNotebook(path: string): Notebook {
  return parseNotebook(readFileSync(path, "utf8"), path);
}

/**
 * Writes a notebook as Jupyter would.
 *
 * @example
 * writeNotebook("release/hw1.ipynb", release(readNotebook("source/hw1.ipynb")));
 */
export function writeNotebook(path: string, nb: Notebook): void {
  writeFileSync(path, formatNotebook(nb));
}

/** A deep copy, so that release/autograde never mutate their inputs. */
export function cloneNotebook(nb: Notebook): Notebook {
  return structuredClone(nb);
}
