import type { Cell, Notebook } from "../../grade/notebook.js";

/** Small notebooks for grade tests, built in code so each test shows its input. */

export function code(id: string, source: string, nbgrader?: Record<string, unknown>): Cell {
  return {
    id,
    cell_type: "code",
    source,
    metadata: nbgrader ? { nbgrader: { schema_version: 3, ...nbgrader } } : {},
    outputs: [],
    execution_count: null,
  };
}

export function markdown(id: string, source: string, nbgrader?: Record<string, unknown>): Cell {
  return {
    id,
    cell_type: "markdown",
    source,
    metadata: nbgrader ? { nbgrader: { schema_version: 3, ...nbgrader } } : {},
  };
}

export function notebook(cells: Cell[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "lectern", display_name: "TypeScript (lectern)", language: "typescript" },
    },
    cells,
  };
}

/** An instructor's source notebook: one answer, one test with hidden tests, one task. */
export function sourceNotebook(): Notebook {
  return notebook([
    markdown("intro", "# Homework\nImplement `square`."),
    code(
      "answer",
      "function square(x: number): number {\n  // BEGIN SOLUTION\n  return x * x;\n  // END SOLUTION\n}",
      { grade: false, solution: true, locked: false, grade_id: "square" },
    ),
    code(
      "tests",
      'import { expect } from "lectern/grade";\nexpect(square(2)).toBe(4);\n### BEGIN HIDDEN TESTS\nexpect(square(-3)).toBe(9);\n### END HIDDEN TESTS',
      { grade: true, solution: false, locked: true, points: 2, grade_id: "test_square" },
    ),
    code("setup", "const DATA = [1, 2, 3];", {
      grade: false,
      solution: false,
      locked: true,
      grade_id: "setup",
    }),
    markdown("explain", "Explain your answer.\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", {
      grade: true,
      solution: true,
      locked: false,
      points: 1,
      grade_id: "explain",
    }),
  ]);
}
