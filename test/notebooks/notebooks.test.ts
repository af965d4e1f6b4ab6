// Every lecture notebook runs top to bottom in quick mode (LECTERN_QUICK=1)
// through a real lectern kernel, the way `npx lectern run` does, and its final
// cells assert the learning outcome it claims: a failed assertion is an error
// output and fails the test. Executed copies go to a temporary folder, so the
// committed notebooks are never modified.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { NbOutput } from "../../kernel/client.js";
import { cellSource, parseNotebook, runNotebook } from "../../kernel/notebook.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const notebookDir = join(root, "notebooks");
// LECTERN_NOTEBOOKS=01,07 narrows the run to those lecture numbers (while editing a lecture).
const only = process.env.LECTERN_NOTEBOOKS?.split(",").map((s) => s.trim().padStart(2, "0"));
const lectures = readdirSync(notebookDir)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .filter((f) => only === undefined || only.includes(f.slice(0, 2)))
  .sort();

interface Builder {
  sources(): { stem: string; path: string }[];
  notebookText(stem: string, text: string): string;
}

/**
 * The teaching content of a notebook: cell types and sources. Outputs,
 * execution counts and metadata are left out because `npx lectern run`
 * (the README's set-up command) writes them into the notebook in place.
 */
function content(text: string): { type: string; source: string }[] {
  return parseNotebook(text).cells.map((c) => ({ type: c.cell_type, source: cellSource(c) }));
}

test("each lecture notebook has the cells of its source in scripts/notebooks", async () => {
  const builderUrl = pathToFileURL(join(root, "scripts", "notebooks", "build.mjs")).href;
  const builder = (await import(builderUrl)) as Builder;
  const sources = builder.sources();
  assert.ok(sources.length > 0, "no notebook sources found in scripts/notebooks");
  for (const { stem, path } of sources) {
    const target = join(notebookDir, `${stem}.ipynb`);
    const hint = "run node scripts/notebooks/build.mjs";
    assert.ok(existsSync(target), `notebooks/${stem}.ipynb is missing: ${hint}`);
    assert.deepEqual(
      content(readFileSync(target, "utf8")),
      content(builder.notebookText(stem, readFileSync(path, "utf8"))),
      `notebooks/${stem}.ipynb differs from scripts/notebooks/${stem}.md: ${hint}`,
    );
  }
});

function describeError(o: NbOutput): string | undefined {
  if (o.output_type === "error") return `${o.ename}: ${o.evalue}`;
  return undefined;
}

const out = mkdtempSync(join(tmpdir(), "lectern-notebooks-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

for (const file of lectures) {
  test(`${file} runs in quick mode and reaches its stated outcome`, {
    timeout: 600_000,
  }, async () => {
    const path = join(notebookDir, file);
    const before = readFileSync(path, "utf8");
    const started = Date.now();
    const report = await runNotebook(parseNotebook(before, file), {
      timeoutMs: 300_000,
      kernel: {
        cwd: notebookDir,
        env: { ...process.env, LECTERN_QUICK: "1" },
        stderr: "ignore",
      },
    });
    writeFileSync(join(out, file), JSON.stringify(report.notebook));
    const problems: string[] = [];
    report.notebook.cells.forEach((cell, i) => {
      for (const o of cell.outputs ?? []) {
        const e = describeError(o);
        if (e) problems.push(`cell ${i + 1}: ${e}\n--- source ---\n${cellSource(cell)}`);
      }
    });
    if (report.failedCell !== undefined && problems.length === 0) {
      problems.push(`cell ${report.failedCell + 1}: ${report.failure?.status ?? "failed"}`);
    }
    assert.deepEqual(problems, [], `${file} failed in quick mode`);
    assert.equal(readFileSync(path, "utf8"), before, `running ${file} modified the committed file`);
    const codeCells = report.notebook.cells.filter((c) => c.cell_type === "code");
    assert.ok(
      codeCells.every((c) => c.execution_count !== null),
      `${file}: some code cells did not run`,
    );
    console.log(`${file}: ${((Date.now() - started) / 1000).toFixed(1)} s in quick mode`);
  });
}
