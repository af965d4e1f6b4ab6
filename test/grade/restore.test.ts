import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gradeId } from "../../grade/metadata.js";
import { lockedCells, release } from "../../grade/release.js";
import { restoreSubmission } from "../../grade/restore.js";
import { code, sourceNotebook } from "./build.js";

function student() {
  const nb = release(sourceNotebook(), "hw.ipynb");
  nb.cells[1]!.source = "function square(x: number): number {\n  return x ** 2;\n}";
  return nb;
}

describe("grade restore (nbgrader's OverwriteCells)", () => {
  const locked = lockedCells(sourceNotebook(), "hw.ipynb");

  it("keeps answers, restores hidden tests, reports nothing for an honest submission", () => {
    const { notebook, tampered, issues } = restoreSubmission(locked, student());
    assert.deepEqual(issues, []);
    assert.equal(tampered.size, 0);
    assert.match(notebook.cells[1]!.source, /x \*\* 2/);
    assert.match(notebook.cells[2]!.source, /square\(-3\)/);
  });

  it("detects an edited test cell and grades the released one", () => {
    const nb = student();
    nb.cells[2]!.source = "// tests removed";
    const { notebook, tampered, issues } = restoreSubmission(locked, nb);
    assert.deepEqual([...tampered], ["test_square"]);
    assert.match(issues[0]!, /locked cell "test_square" was modified/);
    assert.match(notebook.cells[2]!.source, /expect\(square\(2\)\)/);
  });

  it("detects changed points even when the source is unchanged", () => {
    const nb = student();
    nb.cells[2]!.metadata.nbgrader!.points = 100;
    const { notebook, tampered } = restoreSubmission(locked, nb);
    assert.ok(tampered.has("test_square"));
    assert.equal(notebook.cells[2]!.metadata.nbgrader!.points, 2);
  });

  it("puts back deleted tests and ignores forged nbgrader cells", () => {
    const nb = student();
    nb.cells.splice(2, 1);
    nb.cells.push(code("forged", "1", { grade: true, points: 50, grade_id: "bonus" }));
    const { notebook, tampered, issues } = restoreSubmission(locked, nb);
    assert.ok(tampered.has("test_square"));
    assert.ok(issues.some((i) => /"test_square" was deleted/.test(i)));
    assert.ok(issues.some((i) => /grade_id "bonus"/.test(i)));
    const graded = notebook.cells.filter((c) => c.metadata.nbgrader?.grade).map(gradeId);
    assert.deepEqual(graded, ["test_square", "explain"]);
  });

  it("runs tracked cells in released order and keeps the student's own cells after their anchor", () => {
    const nb = student();
    const [intro, answer, test, setup, explain] = nb.cells;
    nb.cells = [intro!, test!, code("mine", "console.log(1)"), answer!, setup!, explain!];
    const { notebook } = restoreSubmission(locked, nb);
    assert.deepEqual(
      notebook.cells.map((c) => c.id),
      ["intro", "answer", "tests", "mine", "setup", "explain"],
    );
  });

  it("treats a duplicated test cell as an ungraded copy", () => {
    const nb = student();
    nb.cells.push({ ...structuredClone(nb.cells[2]!), id: "copy" });
    const { notebook, issues } = restoreSubmission(locked, nb);
    assert.equal(
      notebook.cells.filter((c) => c.metadata.nbgrader?.grade_id === "test_square").length,
      1,
    );
    assert.ok(issues.some((i) => /appears twice/.test(i)));
  });
});
