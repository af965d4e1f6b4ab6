import { ValueError } from "../tensor/errors.js";
import { computeChecksum } from "./checksum.js";
import { CODE_STUB, dropMarkers, hasRegion, MARKDOWN_STUB, replaceRegions } from "./markers.js";
import {
  gradeId,
  isGrade,
  isLocked,
  isSolution,
  isTracked,
  SCHEMA_VERSION,
  validateMetadata,
} from "./metadata.js";
import { type Cell, cloneNotebook, type Notebook } from "./notebook.js";

/**
 * Makes the student version of an instructor's source notebook, as
 * `nbgrader generate_assignment` does: solutions become a stub that throws,
 * hidden tests disappear, outputs are cleared, and every grade, solution and
 * locked cell records nbgrader's checksum of its released form so that
 * autograde can tell when a student changed it.
 *
 * @example
 * const student = release(readNotebook("source/hw1.ipynb"), "hw1.ipynb");
 * writeNotebook("release/hw1.ipynb", student);
 */
export function release(source: Notebook, name = "notebook"): Notebook {
  validateMetadata(source, name);
  const nb = cloneNotebook(source);
  nb.cells.forEach((cell, index) => {
    const where = `${name}: cell ${index} (id ${cell.id})`;
    if (isSolution(cell)) cell.source = clearSolution(cell, where);
    else if (hasRegion(cell.source, "SOLUTION")) {
      throw new ValueError(
        `${where}: has "BEGIN SOLUTION" markers but is not a solution cell; set metadata.nbgrader.solution = true or remove the markers`,
      );
    }
    if (isGrade(cell)) cell.source = replaceRegions(cell.source, "HIDDEN TESTS", where);
    else if (hasRegion(cell.source, "HIDDEN TESTS")) {
      throw new ValueError(
        `${where}: has "BEGIN HIDDEN TESTS" markers but is not a grade cell; hidden tests belong in autograder test cells`,
      );
    }
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    if (isTracked(cell)) {
      const nbg = cell.metadata.nbgrader!;
      nbg.schema_version = SCHEMA_VERSION;
      nbg.locked = isLocked(cell);
      nbg.checksum = computeChecksum(cell);
      nbg.cell_type = cell.cell_type;
    }
  });
  return nb;
}

function clearSolution(cell: Cell, where: string): string {
  const stub = (indent: string) =>
    cell.cell_type === "code"
      ? [`${indent}// YOUR CODE HERE`, `${indent}${CODE_STUB}`]
      : [`${indent}${MARKDOWN_STUB}`];
  if (hasRegion(cell.source, "SOLUTION")) {
    return replaceRegions(cell.source, "SOLUTION", where, stub);
  }
  // nbgrader replaces a solution cell without markers as a whole.
  return stub("").join("\n");
}

/**
 * The locked cells as autograde runs them, keyed by grade_id: the source's
 * text with hidden tests restored (their marker lines dropped) and outputs
 * cleared, plus the checksum of the released form that a student's copy must
 * match. Solution cells are not included: their source is the student's.
 */
export interface LockedCell {
  cell: Cell;
  releasedChecksum: string;
  /** The text students were given (hidden tests removed), for feedback. */
  releasedSource: string;
  index: number;
}

/**
 * Pairs each tracked cell of the source with its released checksum.
 *
 * @example
 * const locked = lockedCells(source, "hw1.ipynb");
 * locked.get("test_forward")?.cell.source; // visible + hidden tests
 */
export function lockedCells(source: Notebook, name = "notebook"): Map<string, LockedCell> {
  const released = release(source, name);
  const out = new Map<string, LockedCell>();
  source.cells.forEach((cell, index) => {
    const releasedCell = released.cells[index]!;
    if (!isTracked(cell)) return;
    const restored = structuredClone(releasedCell);
    if (!isSolution(cell)) restored.source = dropMarkers(cell.source, "HIDDEN TESTS");
    out.set(gradeId(cell), {
      cell: restored,
      releasedChecksum: releasedCell.metadata.nbgrader!.checksum!,
      releasedSource: releasedCell.source,
      index,
    });
  });
  return out;
}
