import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { computeChecksum, pythonFloat } from "../../grade/checksum.js";
import { formatNotebook } from "../../grade/notebook.js";
import { lockedCells, release } from "../../grade/release.js";
import { code, markdown, notebook, sourceNotebook } from "./build.js";

const python = "/usr/bin/python3";

// nbgrader.utils.compute_checksum (nbgrader 0.9), restated as the oracle for
// lectern's port: same inputs must give the same md5.
const NBGRADER_CHECKSUM = `
import hashlib, json, sys
def is_grade(c): return c["metadata"].get("nbgrader", {}).get("grade", False)
def is_solution(c): return c["metadata"].get("nbgrader", {}).get("solution", False)
def is_task(c): return c["metadata"].get("nbgrader", {}).get("task", False)
def is_locked(c):
    nbg = c["metadata"].get("nbgrader")
    if nbg is None or is_solution(c): return False
    if is_grade(c) or is_task(c): return True
    return nbg.get("locked", False)
def checksum(c):
    m = hashlib.md5()
    m.update("".join(c["source"]).encode("utf-8"))
    m.update(c["cell_type"].encode("utf-8"))
    m.update(str(is_grade(c)).encode()); m.update(str(is_solution(c)).encode()); m.update(str(is_locked(c)).encode())
    m.update(c["metadata"]["nbgrader"]["grade_id"].encode("utf-8"))
    if is_grade(c): m.update(str(float(c["metadata"]["nbgrader"]["points"])).encode())
    return m.hexdigest()
nb = json.load(sys.stdin)
print(json.dumps([checksum(c) if "nbgrader" in c["metadata"] else None for c in nb["cells"]]))
`;

describe("grade release", () => {
  const released = release(sourceNotebook(), "hw.ipynb");

  it("replaces solution regions with a stub that throws, keeping their indentation", () => {
    assert.equal(
      released.cells[1]!.source,
      'function square(x: number): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}',
    );
  });

  it("replaces markdown solutions with nbgrader's YOUR ANSWER HERE", () => {
    assert.equal(released.cells[4]!.source, "Explain your answer.\nYOUR ANSWER HERE");
  });

  it("replaces a solution cell without markers as a whole", () => {
    const nb = release(
      notebook([code("a", "const secret = 42;", { solution: true, grade: false, grade_id: "a" })]),
    );
    assert.equal(nb.cells[0]!.source, '// YOUR CODE HERE\nthrow new Error("not implemented");');
  });

  it("strips hidden tests and keeps the visible ones", () => {
    const tests = released.cells[2]!.source;
    assert.match(tests, /expect\(square\(2\)\)\.toBe\(4\)/);
    assert.doesNotMatch(tests, /square\(-3\)|HIDDEN/);
  });

  it("leaves the source notebook untouched", () => {
    const src = sourceNotebook();
    release(src);
    assert.deepEqual(src, sourceNotebook());
  });

  it("clears outputs and records nbgrader metadata and checksums", () => {
    const src = sourceNotebook();
    src.cells[2]!.outputs = [{ output_type: "stream", name: "stdout", text: "ok\n" }];
    src.cells[2]!.execution_count = 3;
    const nb = release(src);
    assert.deepEqual(nb.cells[2]!.outputs, []);
    assert.equal(nb.cells[2]!.execution_count, null);
    for (const cell of nb.cells.slice(1)) {
      const nbg = cell.metadata.nbgrader!;
      assert.equal(nbg.schema_version, 3);
      assert.equal(nbg.checksum, computeChecksum(cell));
      assert.equal(nbg.cell_type, cell.cell_type);
    }
    assert.equal(nb.cells[2]!.metadata.nbgrader!.locked, true);
    assert.equal(nb.cells[0]!.metadata.nbgrader, undefined);
  });

  it("computes the same checksums as nbgrader", {
    skip: !existsSync(python) && "needs /usr/bin/python3",
  }, () => {
    const r = spawnSync(python, ["-c", NBGRADER_CHECKSUM], {
      input: formatNotebook(released),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout);
    assert.deepEqual(
      released.cells.map((c) => c.metadata.nbgrader?.checksum ?? null),
      expected,
    );
  });

  it("prints points as Python's str(float(x))", () => {
    assert.equal(pythonFloat(2), "2.0");
    assert.equal(pythonFloat(0.5), "0.5");
  });

  it("keeps hidden tests, without marker lines, in the cells autograde restores", () => {
    const locked = lockedCells(sourceNotebook(), "hw.ipynb");
    assert.deepEqual([...locked.keys()], ["square", "test_square", "setup", "explain"]);
    const test = locked.get("test_square")!;
    assert.equal(
      test.cell.source,
      'import { expect } from "lectern/grade";\nexpect(square(2)).toBe(4);\nexpect(square(-3)).toBe(9);',
    );
    assert.equal(test.releasedChecksum, released.cells[2]!.metadata.nbgrader!.checksum);
    assert.equal(locked.get("square")!.cell.source, released.cells[1]!.source);
  });

  it("rejects markers outside the cells they belong to", () => {
    const solutionInTest = notebook([
      code("t", "// BEGIN SOLUTION\nx\n// END SOLUTION", { grade: true, points: 1, grade_id: "t" }),
    ]);
    assert.throws(
      () => release(solutionInTest, "hw.ipynb"),
      /hw\.ipynb: cell 0 \(id t\): has "BEGIN SOLUTION" markers but is not a solution cell/,
    );
    const hiddenInPlain = notebook([code("p", "### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS")]);
    assert.throws(() => release(hiddenInPlain), /not a grade cell/);
  });

  it("rejects unbalanced markers naming the line", () => {
    const open = notebook([
      code("a", "x\n// BEGIN SOLUTION\ny", { solution: true, grade_id: "a" }),
    ]);
    assert.throws(() => release(open), /block opened at line 2 is never closed/);
    const stray = notebook([code("a", "// END SOLUTION", { solution: true, grade_id: "a" })]);
    assert.throws(
      () => release(stray),
      /line 1 has "END SOLUTION" without a matching "BEGIN SOLUTION"/,
    );
    const nested = notebook([
      code("a", "// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION", {
        solution: true,
        grade_id: "a",
      }),
    ]);
    assert.throws(
      () => release(nested),
      /line 2 opens a SOLUTION block inside the one opened at line 1/,
    );
  });

  it("checks nbgrader metadata like nbgrader's CheckCellMetadata", () => {
    const dup = notebook([
      code("a", "1", { grade: true, points: 1, grade_id: "t" }),
      code("b", "2", { grade: true, points: 1, grade_id: "t" }),
    ]);
    assert.throws(() => release(dup, "hw.ipynb"), /grade_id "t" is also used by cell 0/);
    const noPoints = notebook([code("a", "1", { grade: true, grade_id: "t" })]);
    assert.throws(() => release(noPoints), /points must be a number >= 0, got undefined/);
    const badId = notebook([code("a", "1", { grade: true, points: 1, grade_id: "has space" })]);
    assert.throws(() => release(badId), /grade_id "has space" must be a non-empty name/);
    const v1 = notebook([
      code("a", "1", { grade: true, points: 1, grade_id: "t", schema_version: 1 }),
    ]);
    assert.throws(() => release(v1), /schema_version 1 is not supported/);
    const codeTask = notebook([code("a", "1", { task: true, points: 1, grade_id: "t" })]);
    assert.throws(() => release(codeTask), /a task cell must be markdown/);
    assert.doesNotThrow(() =>
      release(notebook([markdown("m", "Describe.", { task: true, points: 3, grade_id: "task1" })])),
    );
  });
});
