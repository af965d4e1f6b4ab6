import { createHash } from "node:crypto";
import { gradeId, isGrade, isLocked, isSolution, maxPoints } from "./metadata.js";
import type { Cell } from "./notebook.js";

/**
 * nbgrader's cell checksum (`nbgrader.utils.compute_checksum`): md5 over the
 * source, the cell type, the grade/solution/locked flags as Python prints
 * them, the grade_id and, for grade cells, the points as a Python float. The
 * same bytes give the same hex digest, so checksums written by nbgrader and
 * by lectern agree.
 *
 * @example
 * computeChecksum(cell); // "a3f1..." (32 hex digits)
 */
export function computeChecksum(cell: Cell): string {
  const md5 = createHash("md5");
  md5.update(cell.source, "utf8");
  md5.update(cell.cell_type, "utf8");
  md5.update(pythonBool(isGrade(cell)));
  md5.update(pythonBool(isSolution(cell)));
  md5.update(pythonBool(isLocked(cell)));
  md5.update(gradeId(cell), "utf8");
  if (isGrade(cell)) md5.update(pythonFloat(maxPoints(cell)));
  return md5.digest("hex");
}

function pythonBool(value: boolean): string {
  return value ? "True" : "False";
}

/** `str(float(x))` for the values points take: 1 → "1.0", 0.5 → "0.5". */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
