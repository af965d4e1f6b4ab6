#!/usr/bin/env node
// Runs every compiled test (dist/test/**/*.test.js) with node's built-in test
// runner and prints its normal summary. Arguments narrow the run to test
// files whose path contains one of them, e.g. `npm test -- tensor/ kernel/`.
// Each file gets a time limit (LECTERN_TEST_TIMEOUT_S, default 1800 s, since
// the notebook suite runs all thirty lectures in one file): a file that hangs
// is cancelled and reported as failed, and the run goes on.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { run } from "node:test";
import { spec, tap } from "node:test/reporters";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const testDir = join(root, "dist", "test");

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect(testDir).filter(
  (f) => filters.length === 0 || filters.some((s) => relative(testDir, f).includes(s)),
);
if (files.length === 0) {
  const which = filters.length ? ` matching ${filters.join(", ")}` : "";
  console.error(`no test files found under ${testDir}${which}`);
  process.exit(1);
}

const timeout = Number(process.env.LECTERN_TEST_TIMEOUT_S ?? 1800) * 1000;
const stream = run({ files, timeout, concurrency: 1 });
stream.on("test:fail", () => {
  process.exitCode = 1;
});
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
