import { readFileSync } from "node:fs";
import { bench } from "./bench.js";
import { type Command, NotAvailableError, UsageError, wantsHelp } from "./command.js";
import { grade } from "./grade.js";
import { install } from "./install.js";
import { kernel } from "./kernel.js";
import { run } from "./run.js";

const commands: Command[] = [install, run, grade, bench];
/** Subcommands that work but are not listed in --help. */
const hidden: Command[] = [kernel];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return pkg.version as string;
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `lectern ${version()} — a TypeScript Jupyter kernel with a deep-learning library

Usage: lectern <command> [options]

Commands:
${rows}

Run "lectern <command> --help" for a command's options.`;
}

/** Runs the CLI with the given arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(mainHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "-v") {
    console.log(version());
    return 0;
  }
  const command = [...commands, ...hidden].find((c) => c.name === name);
  if (command === undefined) {
    console.error(`lectern: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`lectern ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    if (err instanceof NotAvailableError) {
      console.error(err.message);
      return 3;
    }
    throw err;
  }
}
