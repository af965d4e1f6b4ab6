// Test doubles for display tests: a channel that records every call and a
// clock whose time only moves when the test says so.
import type { Comm, DisplayChannel, MimeBundle, MimeMetadata } from "../../display/channel.js";
import type { Clock } from "../../display/throttle.js";

export type ChannelCall =
  | { kind: "display"; data: MimeBundle; metadata?: MimeMetadata; displayId?: string }
  | { kind: "update"; displayId: string; data: MimeBundle; metadata?: MimeMetadata }
  | { kind: "clear"; wait?: boolean };

export class FakeComm implements Comm {
  readonly sent: { data: unknown; metadata?: Record<string, unknown> }[] = [];
  closed = false;
  private messageHandlers: ((data: unknown, buffers: ArrayBuffer[]) => void)[] = [];
  private closeHandlers: ((data: unknown) => void)[] = [];

  constructor(
    readonly commId: string,
    readonly targetName: string,
    readonly openData: unknown,
    readonly openMetadata?: Record<string, unknown>,
  ) {}

  send(data: unknown, metadata?: Record<string, unknown>): void {
    this.sent.push({ data, ...(metadata ? { metadata } : {}) });
  }
  close(): void {
    this.closed = true;
  }
  onMessage(handler: (data: unknown, buffers: ArrayBuffer[]) => void): void {
    this.messageHandlers.push(handler);
  }
  onClose(handler: (data: unknown) => void): void {
    this.closeHandlers.push(handler);
  }
  /** Simulates a comm_msg from the front end. */
  receive(data: unknown): void {
    for (const h of this.messageHandlers) h(data, []);
  }
}

export class FakeChannel implements DisplayChannel {
  readonly calls: ChannelCall[] = [];
  readonly comms: FakeComm[] = [];
  private nextComm = 0;

  display(data: MimeBundle, metadata?: MimeMetadata, displayId?: string): void {
    this.calls.push({ kind: "display", data, metadata, ...(displayId ? { displayId } : {}) });
  }
  update(displayId: string, data: MimeBundle, metadata?: MimeMetadata): void {
    this.calls.push({ kind: "update", displayId, data, metadata });
  }
  clear(wait?: boolean): void {
    this.calls.push({ kind: "clear", wait });
  }
  openComm(targetName: string, data: unknown, metadata?: Record<string, unknown>): Comm {
    const comm = new FakeComm(`comm-${this.nextComm++}`, targetName, data, metadata);
    this.comms.push(comm);
    return comm;
  }
  registerCommTarget(): void {}
  context?: () => { msgId: string; cellId?: string } | undefined;
}

export class FakeClock implements Clock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves time forward without running timers, as a synchronous loop does. */
  busy(ms: number): void {
    this.time += ms;
  }

  /** Moves time forward, running due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}

/** Runs `fn` with process.stdout captured; returns what it wrote, chunk by chunk. */
export async function captureStdout(fn: () => unknown): Promise<string[]> {
  const written: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((s: string) =>
    written.push(String(s)) > 0) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return written;
}
