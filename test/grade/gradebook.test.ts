import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  csvField,
  type GradebookRow,
  gradebookCsv,
  gradebookJson,
  type SubmissionResult,
  summary,
  totals,
} from "../../grade/gradebook.js";

function result(student: string, points: number[], issues: string[] = []): SubmissionResult {
  const rows: GradebookRow[] = points.map((p, i) => ({
    student,
    notebook: "hw.ipynb",
    cell: `t${i}`,
    points: p,
    maxPoints: 2,
    status: p === 2 ? "passed" : "failed",
    error: p === 2 ? "" : "AssertionError: got 3, expected 4",
    tampered: false,
  }));
  return {
    student,
    notebook: "hw.ipynb",
    sourceHash: "s",
    submissionHash: "h",
    rows,
    issues,
    ...totals(rows),
    durationMs: 1,
  };
}

describe("grade gradebook", () => {
  it("writes one CSV row per cell, sorted by student", () => {
    const csv = gradebookCsv([result("bob", [2, 0]), result("alice", [2, 2])]);
    assert.equal(
      csv,
      [
        "student,notebook,cell,points,maxPoints,status,error,tampered",
        "alice,hw.ipynb,t0,2,2,passed,,false",
        "alice,hw.ipynb,t1,2,2,passed,,false",
        "bob,hw.ipynb,t0,2,2,passed,,false",
        'bob,hw.ipynb,t1,0,2,failed,"AssertionError: got 3, expected 4",false',
        "",
      ].join("\n"),
    );
  });

  it("quotes and defuses untrusted CSV fields", () => {
    assert.equal(csvField('say "hi"\nnow'), '"say ""hi""\nnow"');
    assert.equal(csvField('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
    assert.equal(csvField("-1.5"), "-1.5");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField(null), "");
  });

  it("writes JSON rows and per-submission totals and issues", () => {
    const json = JSON.parse(
      gradebookJson([result("bob", [2, 0], ['locked cell "t1" was modified'])]),
    );
    assert.equal(json.rows.length, 2);
    assert.deepEqual(json.submissions, [
      {
        student: "bob",
        notebook: "hw.ipynb",
        score: 2,
        maxScore: 4,
        issues: ['locked cell "t1" was modified'],
      },
    ]);
  });

  it("counts manual cells as zero in totals", () => {
    const r = result("a", [2]);
    r.rows.push({ ...r.rows[0]!, cell: "essay", points: null, status: "manual" });
    assert.deepEqual(totals(r.rows), { score: 2, maxScore: 4 });
  });

  it("summarises scores with a histogram in tenths of the maximum", () => {
    const text = summary([
      result("a", [2, 2]),
      result("b", [2, 0]),
      result("c", [0, 0]),
      result("d", [2, 2], ["x"]),
    ]);
    const lines = text.split("\n");
    assert.equal(
      lines[0],
      "hw.ipynb: 4 submissions, max 4 points, mean 2.5, median 3, 1 with issues (see gradebook.json)",
    );
    assert.equal(lines.length, 11);
    assert.match(lines[1]!, /^ {5}0-10% \| #{15} +1$/);
    assert.match(lines[6]!, /^ {4}50-60% \| #{15} +1$/);
    assert.match(lines[10]!, /^ {3}90-100% \| #{30} 2$/);
  });
});
