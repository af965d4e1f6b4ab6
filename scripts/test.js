#!/usr/bin/env node
// Runs every compiled test (dist/test/**/*.test.js) with node's built-in test
// runner. Arguments narrow the run to test files whose path contains one of
// them, e.g. `npm test -- tensor/ kernel/protocol`.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
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
  console.error(
    `no test files found under ${testDir}${filters.length ? ` matching ${filters.join(", ")}` : ""}`,
  );
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", ...files], { stdio: "inherit", cwd: root });
process.exit(result.status ?? 1);
