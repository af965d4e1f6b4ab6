/**
 * Memory shared between the wire thread and the main (cell) thread. The wire
 * thread must be able to signal an interrupt and hand over a stdin reply while
 * the main thread is stuck in user code, so neither may need the main thread's
 * event loop.
 */

/** Int32 slots at the start of the shared buffer. */
export const Slot = {
  /** 1 after an interrupt request, cleared when the interrupt has been raised in the cell. */
  interrupt: 0,
  /** 1 while a cell (or a prompt inside it) runs. */
  executing: 1,
  /** Bumped at the start of every cell, so a late interrupt cannot hit the next cell. */
  generation: 2,
  /** Generation whose interrupt the main thread has acknowledged. */
  acknowledged: 3,
  /** 0 waiting for input_reply, 1 reply stored, 2 cancelled by interrupt. */
  stdinState: 4,
  /** Byte length of the stored stdin reply. */
  stdinLength: 5,
  /** Sequence number of the last shell request received before the latest interrupt. */
  interruptSeq: 6,
} as const;

const HEADER_BYTES = 64;
/** Largest stdin reply kept; longer replies are cut (a prompt answer, not a file upload). */
export const STDIN_CAPACITY = 1 << 20;

export function createSharedState(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + STDIN_CAPACITY);
}

export function slots(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, 0, HEADER_BYTES / 4);
}

export function stdinBytes(buffer: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(buffer, HEADER_BYTES, STDIN_CAPACITY);
}

/** A message the main thread asks the wire thread to send. */
export interface OutgoingMessage {
  kind: "send";
  channel: "shell" | "iopub" | "stdin" | "control";
  msgType: string;
  content: unknown;
  /** Header and routing ids of the request this answers (or caused this output). */
  parent?: ParentRef;
  metadata?: Record<string, unknown>;
  buffers?: ArrayBufferView[];
}

/** What the main thread keeps of a request to address replies and outputs. */
export interface ParentRef {
  ids: Uint8Array[];
  header: Record<string, unknown>;
}

/** Messages from the wire thread to the main thread. */
export type ToMain =
  | {
      kind: "request";
      /** Arrival order at the wire thread (shell requests), to tell which cells an interrupt concerns. */
      seq: number;
      channel: "shell" | "control";
      ids: Uint8Array[];
      header: Record<string, unknown>;
      parent_header: Record<string, unknown>;
      metadata: Record<string, unknown>;
      content: Record<string, unknown>;
      buffers: Uint8Array[];
    }
  | { kind: "interrupt"; generation: number }
  | { kind: "shutdown"; restart: boolean }
  | { kind: "ready" };

/** Messages from the main thread to the wire thread. */
export type ToWire =
  | { kind: "executing"; parent: ParentRef }
  | OutgoingMessage
  | { kind: "input_request"; prompt: string; password: boolean; parent: ParentRef }
  | { kind: "exit" };
