import { readFileSync } from "node:fs";

/** A Jupyter connection file (written by the front end, read by the kernel). */
export interface ConnectionInfo {
  ip: string;
  transport: "tcp" | "ipc";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** Reads and validates a connection file; throws with the field at fault. */
export function readConnectionFile(path: string): ConnectionInfo {
  const info = JSON.parse(readFileSync(path, "utf8")) as Partial<ConnectionInfo>;
  for (const port of [
    "shell_port",
    "iopub_port",
    "stdin_port",
    "control_port",
    "hb_port",
  ] as const) {
    if (!Number.isInteger(info[port]))
      throw new Error(`connection file ${path}: "${port}" is not a port number`);
  }
  if (typeof info.ip !== "string") throw new Error(`connection file ${path}: "ip" is missing`);
  return {
    transport: "tcp",
    key: "",
    signature_scheme: "hmac-sha256",
    ...info,
  } as ConnectionInfo;
}

/** The ZeroMQ endpoint of one port (`tcp://127.0.0.1:5555`, or `ipc://ip-5555` for ipc). */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
