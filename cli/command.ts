/**
 * The shape of one `lectern` subcommand. Each subcommand lives in its own
 * file under `cli/` and is listed in `cli/main.ts`.
 */
export interface Command {
  /** The word typed after `lectern`. */
  name: string;
  /** One line for `lectern --help`. */
  summary: string;
  /** The full text printed by `lectern <name> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for bad command-line input; printed without a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Thrown by a subcommand whose issue has not landed yet. */
export class NotAvailableError extends Error {
  override name = "NotAvailableError";
  constructor(command: string, what: string) {
    super(`lectern ${command}: not available yet — ${what}`);
  }
}

/** True when the arguments ask for help (`-h` or `--help`). */
export function wantsHelp(args: string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}
