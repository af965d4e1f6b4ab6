/**
 * The seam between `display/` and whatever hosts user code. The kernel
 * installs a channel that turns these calls into Jupyter messages
 * (display_data, update_display_data, clear_output, comm_*); outside a
 * kernel no channel is installed and displays fall back to text on stdout.
 */

/** A Jupyter MIME bundle: MIME type → data (string, or JSON for `+json` types). */
export type MimeBundle = Record<string, unknown>;

/** Per-MIME-type metadata, e.g. `{ "image/png": { width: 64 } }`. */
export type MimeMetadata = Record<string, unknown>;

/** One open comm (Jupyter comm protocol): used by widgets and live plots. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  /** Sends a comm_msg to the front end. */
  send(data: unknown, metadata?: Record<string, unknown>, buffers?: ArrayBuffer[]): void;
  /** Sends comm_close and forgets the comm. */
  close(data?: unknown): void;
  /** Called for every comm_msg from the front end. */
  onMessage(handler: (data: unknown, buffers: ArrayBuffer[]) => void): void;
  /** Called once when the front end closes the comm. */
  onClose(handler: (data: unknown) => void): void;
}

/** What a host (the kernel) provides to displays. */
export interface DisplayChannel {
  /** display_data, or update in place later when `displayId` is given. */
  display(data: MimeBundle, metadata?: MimeMetadata, displayId?: string): void;
  /** update_display_data for an earlier display with the same id. */
  update(displayId: string, data: MimeBundle, metadata?: MimeMetadata): void;
  /** clear_output; with `wait` the front end clears when the next output arrives. */
  clear(wait?: boolean): void;
  /** Opens a comm from the kernel side (comm_open). */
  openComm(
    targetName: string,
    data: unknown,
    metadata?: Record<string, unknown>,
    buffers?: ArrayBuffer[],
  ): Comm;
  /** Handles comm_open requests from the front end for `targetName`. */
  registerCommTarget(targetName: string, handler: (comm: Comm, data: unknown) => void): void;
  /**
   * Optional: the request now running — its `msg_id` and, when the front
   * end sends one (JupyterLab, Notebook 7 and VS Code put `cellId` in the
   * execute_request metadata), the cell. Plots use it to notice that the
   * cell whose output carries plotly.js was re-run (which clears that output).
   */
  context?(): { msgId: string; cellId?: string } | undefined;
}

let current: DisplayChannel | undefined;

/**
 * Installs the host's channel (the kernel calls this once at start-up).
 *
 * @example
 * setDisplayChannel({ display: (data) => send("display_data", data), ... });
 */
export function setDisplayChannel(channel: DisplayChannel | undefined): void {
  current = channel;
}

/**
 * The installed channel, or undefined outside a kernel.
 *
 * @example
 * if (!displayChannel()) console.log("not in a notebook");
 */
export function displayChannel(): DisplayChannel | undefined {
  return current;
}
