import { ValueError } from "../tensor/errors.js";

/**
 * nbgrader's region markers inside a cell. A marker is a line holding only
 * `BEGIN SOLUTION`, `END SOLUTION`, `BEGIN HIDDEN TESTS` or `END HIDDEN
 * TESTS` after a comment prefix: `### BEGIN SOLUTION` as in nbgrader's
 * Python notebooks, or `// BEGIN SOLUTION`, which keeps the instructor's
 * TypeScript cell runnable. Markdown cells use the same lines.
 */
export type Region = "SOLUTION" | "HIDDEN TESTS";

const MARKER = /^(\s*)(?:#+|\/\/+)\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;

/** The TypeScript stub a released solution region becomes. */
export const CODE_STUB = 'throw new Error("not implemented");';
/** The text a released markdown solution becomes (nbgrader's default). */
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

interface Marker {
  indent: string;
  kind: "BEGIN" | "END";
  region: Region;
}

function marker(line: string): Marker | undefined {
  const m = MARKER.exec(line);
  if (m === null) return undefined;
  return { indent: m[1]!, kind: m[2] as "BEGIN" | "END", region: m[3] as Region };
}

/** True when the text holds at least one marker of the region. */
export function hasRegion(source: string, region: Region): boolean {
  return source.split("\n").some((line) => marker(line)?.region === region);
}

/**
 * Replaces every `region` block (marker lines included) with `replace(indent)`
 * lines, or deletes it when `replace` is omitted. Unbalanced or nested
 * markers of that region throw a ValueError naming `where` and the line.
 *
 * @example
 * replaceRegions("let x = 1;\n// BEGIN SOLUTION\nx = 2;\n// END SOLUTION\n", "SOLUTION", "cell a",
 *   (indent) => [`${indent}throw new Error("not implemented");`]);
 * // 'let x = 1;\nthrow new Error("not implemented");\n'
 */
export function replaceRegions(
  source: string,
  region: Region,
  where: string,
  replace?: (indent: string) => string[],
): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let open: { line: number; indent: string } | undefined;
  lines.forEach((line, index) => {
    const m = marker(line);
    if (m === undefined || m.region !== region) {
      if (open === undefined) out.push(line);
      return;
    }
    if (m.kind === "BEGIN") {
      if (open !== undefined) {
        throw new ValueError(
          `${where}: line ${index + 1} opens a ${region} block inside the one opened at line ${open.line}; close it first with "END ${region}"`,
        );
      }
      open = { line: index + 1, indent: m.indent };
      return;
    }
    if (open === undefined) {
      throw new ValueError(
        `${where}: line ${index + 1} has "END ${region}" without a matching "BEGIN ${region}"`,
      );
    }
    if (replace !== undefined) out.push(...replace(open.indent));
    open = undefined;
  });
  if (open !== undefined) {
    throw new ValueError(
      `${where}: the ${region} block opened at line ${open.line} is never closed; add a line "// END ${region}"`,
    );
  }
  return out.join("\n");
}

/**
 * Drops the marker lines of `region` and keeps what is between them: the
 * instructor's hidden tests as they run during autograding (a `###` line is
 * not valid TypeScript).
 */
export function dropMarkers(source: string, region: Region): string {
  return source
    .split("\n")
    .filter((line) => marker(line)?.region !== region)
    .join("\n");
}
