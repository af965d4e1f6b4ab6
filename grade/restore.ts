import { computeChecksum } from "./checksum.js";
import { gradeId, isSolution } from "./metadata.js";
import type { Cell, Notebook } from "./notebook.js";
import type { LockedCell } from "./release.js";

/** A submission made ready to grade, with what was wrong with it. */
export interface Restored {
  notebook: Notebook;
  /** grade_ids whose submitted copy differs from the released one. */
  tampered: Set<string>;
  /** One readable line per problem found (tampering, deleted or duplicated cells). */
  issues: string[];
}

/**
 * Rebuilds a submission the way nbgrader's autograde does before running it
 * (OverwriteCells): every locked cell — tests included, with their hidden
 * tests — comes from the instructor's source, every answer cell keeps the
 * student's text under the released metadata, and cells the student added
 * stay where they were. Tracked cells run in the released order, so moving a
 * test above its answer changes nothing. A locked cell whose checksum differs
 * from the released one was edited (or its points/flags were) and is
 * reported; a deleted tracked cell is put back and reported too.
 *
 * @example
 * const { notebook, issues } = restoreSubmission(lockedCells(source), readNotebook(path));
 */
export function restoreSubmission(locked: Map<string, LockedCell>, submission: Notebook): Restored {
  const tampered = new Set<string>();
  const issues: string[] = [];
  const known = new Map<string, Cell>();
  const extras = new Map<string, Cell[]>([["", []]]);
  let anchor = "";
  for (const cell of submission.cells) {
    const nbg = cell.metadata.nbgrader;
    const id = nbg === undefined ? "" : gradeId(cell);
    if (id !== "" && locked.has(id) && !known.has(id)) {
      known.set(id, cell);
      anchor = id;
      extras.set(id, []);
      continue;
    }
    const plain = structuredClone(cell);
    if (nbg !== undefined) {
      delete plain.metadata.nbgrader;
      issues.push(
        id !== "" && known.has(id)
          ? `cell "${id}" appears twice; the copy with id ${cell.id} was run as an ungraded cell`
          : `cell ${cell.id} carries nbgrader metadata unknown to the release (grade_id ${JSON.stringify(id)}); run as an ungraded cell`,
      );
    }
    extras.get(anchor)!.push(plain);
  }
  const ordered = [...locked.entries()].sort((a, b) => a[1].index - b[1].index);
  const cells: Cell[] = [...extras.get("")!];
  for (const [id, reference] of ordered) {
    const submitted = known.get(id);
    if (submitted === undefined) {
      issues.push(`cell "${id}" was deleted; restored from the release`);
      if (!isSolution(reference.cell)) tampered.add(id);
      cells.push(structuredClone(reference.cell));
      continue;
    }
    const changed = computeChecksum(submitted) !== reference.releasedChecksum;
    if (isSolution(reference.cell)) {
      const answer = structuredClone(reference.cell);
      answer.source = submitted.source;
      answer.id = submitted.id;
      if (
        submitted.cell_type !== reference.cell.cell_type ||
        metadataChanged(submitted, reference.cell)
      ) {
        issues.push(
          `answer cell "${id}" had its type or nbgrader metadata changed; the released ones were used`,
        );
      }
      cells.push(answer);
    } else {
      if (changed) {
        tampered.add(id);
        issues.push(
          `locked cell "${id}" was modified; it was restored from the release before grading`,
        );
      }
      cells.push({ ...structuredClone(reference.cell), id: submitted.id });
    }
    cells.push(...extras.get(id)!);
  }
  const notebook: Notebook = { ...structuredClone(submission), cells: dedupeIds(cells) };
  for (const cell of notebook.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  return { notebook, tampered, issues };
}

function metadataChanged(submitted: Cell, released: Cell): boolean {
  const a = submitted.metadata.nbgrader ?? {};
  const b = released.metadata.nbgrader ?? {};
  return (["grade", "solution", "locked", "task", "points"] as const).some(
    (key) => (a[key] ?? false) !== (b[key] ?? false),
  );
}

/** Student-controlled ids may collide with restored ones; nbformat needs them unique. */
function dedupeIds(cells: Cell[]): Cell[] {
  const seen = new Set<string>();
  return cells.map((cell) => {
    let id = cell.id;
    for (let n = 1; seen.has(id); n++) id = `${cell.id.slice(0, 60)}-${n}`;
    seen.add(id);
    return id === cell.id ? cell : { ...cell, id };
  });
}
