import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PARTIAL_CREDIT_MIME } from "../../grade/asserts.js";
import { release } from "../../grade/release.js";
import { scoreCell } from "../../grade/score.js";
import { code, markdown, notebook } from "./build.js";

const test = () => code("t", "expect(1).toBe(1)", { grade: true, points: 3, grade_id: "t" });

describe("grade score (nbgrader's determine_grade)", () => {
  it("gives full points to a test cell that ran without error", () => {
    const cell = test();
    cell.outputs = [{ output_type: "stream", name: "stderr", text: "warning\n" }];
    assert.deepEqual(scoreCell(cell, "ok"), {
      points: 3,
      maxPoints: 3,
      status: "passed",
      error: "",
    });
  });

  it("gives zero and the message to a failing test cell", () => {
    const cell = test();
    cell.outputs = [
      {
        output_type: "error",
        ename: "AssertionError",
        evalue: "toBe: got 3, expected 4",
        traceback: [],
      },
    ];
    assert.deepEqual(scoreCell(cell, "error"), {
      points: 0,
      maxPoints: 3,
      status: "failed",
      error: "AssertionError: toBe: got 3, expected 4",
    });
  });

  it("gives zero for timeouts, crashes and cells never run", () => {
    for (const execution of ["timeout", "crashed", "not-run"] as const) {
      assert.equal(scoreCell(test(), execution).points, 0);
      assert.equal(scoreCell(test(), execution).status, execution);
    }
  });

  it("awards explicit partial credit, capped to the cell's points", () => {
    const cell = test();
    cell.outputs = [
      {
        output_type: "execute_result",
        data: { [PARTIAL_CREDIT_MIME]: { points: 1.5 } },
        metadata: {},
      },
    ];
    assert.deepEqual(scoreCell(cell, "ok"), {
      points: 1.5,
      maxPoints: 3,
      status: "partial",
      error: "partial credit: 1.5 of 3 points",
    });
    cell.outputs = [
      {
        output_type: "display_data",
        data: { [PARTIAL_CREDIT_MIME]: { points: 99 } },
        metadata: {},
      },
    ];
    assert.equal(scoreCell(cell, "ok").points, 3);
  });

  it("does not read a stray numeric result as partial credit", () => {
    const cell = test();
    cell.outputs = [{ output_type: "execute_result", data: { "text/plain": "0.5" }, metadata: {} }];
    assert.equal(scoreCell(cell, "ok").points, 3);
  });

  it("scores an unchanged graded answer zero and leaves answered ones to a human", () => {
    const released = release(
      notebook([
        markdown("m", "### BEGIN SOLUTION\nx\n### END SOLUTION", {
          grade: true,
          solution: true,
          points: 2,
          grade_id: "m",
        }),
      ]),
    );
    const cell = released.cells[0]!;
    const checksum = cell.metadata.nbgrader!.checksum!;
    assert.equal(scoreCell(cell, "ok", checksum).status, "unanswered");
    cell.source = "Because gradients flow.";
    assert.deepEqual(scoreCell(cell, "ok", checksum), {
      points: null,
      maxPoints: 2,
      status: "manual",
      error: "",
    });
  });
});
