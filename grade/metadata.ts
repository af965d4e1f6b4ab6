import { ValueError } from "../tensor/errors.js";
import type { Cell, Notebook } from "./notebook.js";

/**
 * nbgrader's per-cell metadata, schema version 3 (nbgrader 0.6 and later).
 * Stored under `cell.metadata.nbgrader`.
 *
 * - `solution`: students write here; released with solutions replaced by a stub.
 * - `grade`: worth `points`; a code grade cell is an autograder test cell.
 * - `locked`: students may not change it; autograde restores it.
 * - `task`: a manually graded task described in markdown.
 * - `checksum`: written by release; the md5 nbgrader computes (see checksum.ts).
 */
export interface NbgraderMetadata {
  schema_version?: number;
  grade?: boolean;
  grade_id?: string;
  locked?: boolean;
  points?: number;
  solution?: boolean;
  task?: boolean;
  checksum?: string;
  cell_type?: string;
}

/** The schema nbgrader 0.6+ writes and lectern reads. */
export const SCHEMA_VERSION = 3;

export function isGrade(cell: Cell): boolean {
  return cell.metadata.nbgrader?.grade === true;
}

export function isSolution(cell: Cell): boolean {
  return cell.metadata.nbgrader?.solution === true;
}

export function isTask(cell: Cell): boolean {
  return cell.metadata.nbgrader?.task === true;
}

/** nbgrader's rule: solution cells are never locked; grade and task cells always are. */
export function isLocked(cell: Cell): boolean {
  const nbg = cell.metadata.nbgrader;
  if (nbg === undefined || isSolution(cell)) return false;
  if (isGrade(cell) || isTask(cell)) return true;
  return nbg.locked === true;
}

/** A cell nbgrader tracks by `grade_id` (grade, solution, task or locked). */
export function isTracked(cell: Cell): boolean {
  return isGrade(cell) || isSolution(cell) || isTask(cell) || isLocked(cell);
}

/** A code grade cell that is not also a solution: an autograder test cell. */
export function isTestCell(cell: Cell): boolean {
  return isGrade(cell) && !isSolution(cell) && cell.cell_type === "code";
}

/**
 * Checks what nbgrader's CheckCellMetadata checks: every tracked cell has a
 * unique `grade_id` made of letters, digits, `_` and `-`; grade and task
 * cells have non-negative `points`; a markdown cell is not a test.
 *
 * @example
 * validateMetadata(readNotebook("source/hw1.ipynb"), "hw1.ipynb"); // throws ValueError on a bad cell
 */
export function validateMetadata(nb: Notebook, name: string): void {
  const ids = new Map<string, number>();
  nb.cells.forEach((cell, index) => {
    const nbg = cell.metadata.nbgrader;
    if (nbg === undefined || !isTracked(cell)) return;
    const where = `${name}: cell ${index} (id ${cell.id})`;
    const version = nbg.schema_version ?? SCHEMA_VERSION;
    if (version !== SCHEMA_VERSION) {
      throw new ValueError(
        `${where}: nbgrader schema_version ${version} is not supported; lectern reads version ${SCHEMA_VERSION} (nbgrader 0.6+), upgrade with "nbgrader update"`,
      );
    }
    const gradeId = nbg.grade_id;
    if (typeof gradeId !== "string" || !/^[a-zA-Z0-9_-]+$/.test(gradeId)) {
      throw new ValueError(
        `${where}: nbgrader grade_id ${JSON.stringify(gradeId)} must be a non-empty name of letters, digits, "_" or "-"`,
      );
    }
    const previous = ids.get(gradeId);
    if (previous !== undefined) {
      throw new ValueError(
        `${where}: grade_id "${gradeId}" is also used by cell ${previous}; every nbgrader cell needs its own grade_id`,
      );
    }
    ids.set(gradeId, index);
    if (isGrade(cell) || isTask(cell)) {
      const points = nbg.points;
      if (typeof points !== "number" || !Number.isFinite(points) || points < 0) {
        throw new ValueError(
          `${where} "${gradeId}": points must be a number >= 0, got ${JSON.stringify(points)}`,
        );
      }
    }
    if (isTask(cell) && cell.cell_type !== "markdown") {
      throw new ValueError(`${where} "${gradeId}": a task cell must be markdown`);
    }
    if (isTask(cell) && (isGrade(cell) || isSolution(cell))) {
      throw new ValueError(
        `${where} "${gradeId}": a task cell cannot also be a grade or solution cell`,
      );
    }
  });
}

/** The `grade_id` of a tracked cell (validated notebooks always have one). */
export function gradeId(cell: Cell): string {
  return cell.metadata.nbgrader?.grade_id ?? "";
}

/** The maximum points of a grade or task cell. */
export function maxPoints(cell: Cell): number {
  return cell.metadata.nbgrader?.points ?? 0;
}
