import { getBackend } from "./backends/backend.js";

let defaultDevice = "cpu";

/** The device new tensors are created on when no `device` option is given. */
export function getDefaultDevice(): string {
  return defaultDevice;
}

/**
 * Makes `device` the default for new tensors (`torch.set_default_device`).
 *
 * @example
 * lt.setDefaultDevice("webgpu"); // after the WebGPU backend registered itself
 */
export function setDefaultDevice(device: string): void {
  getBackend(device);
  defaultDevice = device;
}
