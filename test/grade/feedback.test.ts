import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  annotateNotebook,
  concealHiddenTests,
  feedbackHtml,
  outputText,
} from "../../grade/feedback.js";
import type { SubmissionResult } from "../../grade/gradebook.js";
import { lockedCells, release } from "../../grade/release.js";
import { restoreSubmission } from "../../grade/restore.js";
import { code, notebook, sourceNotebook } from "./build.js";

function graded() {
  const test = code("t", "expect(f()).toBe(4)", { grade: true, points: 2, grade_id: "test_f" });
  test.outputs = [
    { output_type: "stream", name: "stdout", text: "<script>alert(1)</script>\n" },
    {
      output_type: "display_data",
      data: { "text/html": "<img src=x onerror=alert(1)>", "text/plain": "img" },
      metadata: {},
    },
    {
      output_type: "error",
      ename: "AssertionError",
      evalue: "got 3",
      traceback: ["\u001b[31mAssertionError\u001b[0m: got 3"],
    },
  ];
  const nb = notebook([code("a", "function f() { return 3; }"), test]);
  const result: SubmissionResult = {
    student: "<b>mallory</b>",
    notebook: "hw.ipynb",
    sourceHash: "",
    submissionHash: "",
    rows: [
      {
        student: "<b>mallory</b>",
        notebook: "hw.ipynb",
        cell: "test_f",
        points: 0,
        maxPoints: 2,
        status: "failed",
        error: "AssertionError: got 3",
        tampered: true,
      },
    ],
    issues: ['locked cell "test_f" was modified'],
    score: 0,
    maxScore: 2,
    durationMs: 5,
  };
  return { nb, result };
}

describe("grade feedback", () => {
  it("renders scores, issues and outputs as escaped text only", () => {
    const { nb, result } = graded();
    const html = feedbackHtml(result, nb);
    assert.match(html, /<h1>hw\.ipynb: 0 \/ 2<\/h1>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script|<img|onerror=alert|<b>mallory/);
    assert.match(html, /AssertionError: got 3/);
    assert.match(html, /failed \(modified, restored\)/);
    assert.match(html, /locked cell &quot;test_f&quot; was modified/);
    assert.match(html, /Content-Security-Policy/);
  });

  it("strips ANSI colours from tracebacks", () => {
    assert.equal(
      outputText({ output_type: "error", traceback: ["\u001b[31mE\u001b[0m: x"] }),
      "E: x",
    );
  });

  it("annotates the notebook with each grade cell's result", () => {
    const { nb, result } = graded();
    const out = annotateNotebook(result, nb);
    assert.equal(out.cells.length, 3);
    assert.deepEqual((out.cells[1]!.metadata as any).lectern.grade, {
      points: 0,
      maxPoints: 2,
      status: "failed",
      error: "AssertionError: got 3",
      tampered: true,
    });
    assert.equal(out.cells[2]!.cell_type, "markdown");
    assert.match(
      out.cells[2]!.source,
      /^\*\*test_f: 0 \/ 2 points \(failed\)\*\*\n\n```\nAssertionError: got 3\n```/,
    );
    assert.match(out.cells[2]!.source, /released version was graded/);
  });
});

describe("grade feedback conceals hidden tests", () => {
  it("shows the released test text and the message without the traceback", () => {
    const locked = lockedCells(sourceNotebook(), "hw.ipynb");
    const { notebook: executed } = restoreSubmission(locked, release(sourceNotebook()));
    const test = executed.cells.find((c) => c.id === "tests")!;
    assert.match(test.source, /square\(-3\)/);
    test.outputs = [
      {
        output_type: "error",
        ename: "AssertionError",
        evalue: "toBe: got 6, expected 9",
        traceback: ["In [3], line 4:", "expect(square(-3)).toBe(9);"],
      },
    ];
    const shown = concealHiddenTests(executed, locked);
    const cell = shown.cells.find((c) => c.id === "tests")!;
    assert.doesNotMatch(JSON.stringify(cell), /square\(-3\)/);
    assert.match(cell.source, /expect\(square\(2\)\)\.toBe\(4\)/);
    assert.deepEqual(cell.outputs![0]!.traceback, ["AssertionError: toBe: got 6, expected 9"]);
    assert.match(test.source, /square\(-3\)/, "the executed notebook itself is not changed");
    const answer = shown.cells.find((c) => c.id === "answer")!;
    assert.equal(
      answer,
      executed.cells.find((c) => c.id === "answer"),
    );
  });
});
