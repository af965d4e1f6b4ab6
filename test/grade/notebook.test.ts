import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { formatNotebook, parseNotebook, splitLines } from "../../grade/notebook.js";
import { ValueError } from "../../tensor/errors.js";
import { sourceNotebook } from "./build.js";

const python = "/usr/bin/python3";

describe("grade notebook format", () => {
  it("round-trips a notebook through Jupyter's on-disk form", () => {
    const nb = sourceNotebook();
    const text = formatNotebook(nb);
    const raw = JSON.parse(text);
    assert.deepEqual(raw.cells[1].source, [
      "function square(x: number): number {\n",
      "  // BEGIN SOLUTION\n",
      "  return x * x;\n",
      "  // END SOLUTION\n",
      "}",
    ]);
    assert.deepEqual(parseNotebook(text), nb);
  });

  it("splits lines keeping their newlines", () => {
    assert.deepEqual(splitLines("a\nb\n"), ["a\n", "b\n"]);
    assert.deepEqual(splitLines("a\n\nb"), ["a\n", "\n", "b"]);
    assert.deepEqual(splitLines(""), []);
  });

  it("gives stable unique ids to cells that lack them (nbformat 4.4 → 4.5)", () => {
    const old = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { cell_type: "code", source: "1", metadata: {}, outputs: [], execution_count: null },
        {
          cell_type: "code",
          source: "1",
          metadata: {},
          outputs: [],
          execution_count: null,
          id: "bad id!",
        },
        { cell_type: "markdown", source: ["# a\n", "b"], metadata: {}, id: "x" },
        { cell_type: "markdown", source: "c", metadata: {}, id: "x" },
      ],
    });
    const a = parseNotebook(old);
    const b = parseNotebook(old);
    assert.equal(a.nbformat_minor, 5);
    assert.deepEqual(
      a.cells.map((c) => c.id),
      b.cells.map((c) => c.id),
    );
    assert.equal(new Set(a.cells.map((c) => c.id)).size, 4);
    assert.equal(a.cells[2]!.id, "x");
    assert.equal(a.cells[2]!.source, "# a\nb");
    for (const c of a.cells) assert.match(c.id, /^[a-zA-Z0-9-_]{1,64}$/);
  });

  it("rejects what is not an nbformat 4 notebook with a clear error", () => {
    assert.throws(
      () => parseNotebook("{", "hw.ipynb"),
      (e: unknown) => e instanceof ValueError && /hw\.ipynb: not a notebook/.test(e.message),
    );
    assert.throws(
      () => parseNotebook('{"nbformat":3,"cells":[]}', "old.ipynb"),
      /nbformat 3 is not supported/,
    );
    assert.throws(
      () => parseNotebook('{"nbformat":4,"cells":[{"cell_type":"heading"}]}', "x.ipynb"),
      /cell 0 has unknown cell_type "heading"/,
    );
  });

  it("writes notebooks that nbformat validates as 4.5", {
    skip: !existsSync(python) && "needs /usr/bin/python3 with nbformat",
  }, () => {
    const r = spawnSync(
      python,
      [
        "-c",
        "import sys, nbformat; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4)); print('valid')",
      ],
      {
        input: formatNotebook(sourceNotebook()),
        encoding: "utf8",
      },
    );
    assert.equal(r.stdout.trim(), "valid", r.stderr);
  });
});
