/** The kernel's input history for history_request (tail, range and search, as IPython answers them). */

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export interface HistoryRequest {
  output?: boolean;
  hist_access_type?: string;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

/** Jupyter history patterns are globs: `*` any run of characters, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

export class History {
  private readonly entries: HistoryEntry[] = [];
  constructor(readonly session = 1) {}

  add(line: number, input: string): void {
    this.entries.push({ session: this.session, line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    const entry = this.entries.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  /** The `history` list of a history_reply: `[session, line, input]` or `[session, line, [input, output]]`. */
  query(req: HistoryRequest): unknown[] {
    let selected: HistoryEntry[];
    const n = req.n ?? 10;
    switch (req.hist_access_type) {
      case "range": {
        const session = req.session ?? this.session;
        // IPython counts a negative session relative to the current one; there is only the current one here.
        const same = session === this.session || session <= 0;
        const start = req.start ?? 1;
        const stop = req.stop ?? Number.POSITIVE_INFINITY;
        selected = same ? this.entries.filter((e) => e.line >= start && e.line < stop) : [];
        break;
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        selected = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          selected = selected
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        selected = selected.slice(-n);
        break;
      }
      default:
        selected = this.entries.slice(-n);
    }
    return selected.map((e) => [e.session, e.line, req.output ? [e.input, e.output] : e.input]);
  }
}
