// Entry point of a DataLoader worker thread: rebuilds the dataset from its
// WorkerSpec, then answers {id, indices, seed, collate} requests with the
// (collated) samples, tensors sent as transferable typed arrays.
import { parentPort, workerData } from "node:worker_threads";
import * as lt from "../tensor/index.js";
import { defaultCollate } from "./dataloader.js";
import type { Dataset } from "./dataset.js";
import { encodeBatch, type WorkerSpec } from "./workerPool.js";

const spec = workerData as WorkerSpec;
const mod = (await import(spec.module)) as Record<string, { fromWorker(state: unknown): Dataset }>;
const dataset = mod[spec.exportName]!.fromWorker(spec.state);

parentPort!.on(
  "message",
  (msg: { id: number; indices: number[]; seed: number; collate: boolean }) => {
    try {
      lt.manualSeed(msg.seed);
      const items = msg.indices.map((i) => dataset.getItem(i));
      const transfer: ArrayBuffer[] = [];
      const result = encodeBatch(msg.collate ? defaultCollate(items) : items, transfer);
      parentPort!.postMessage({ id: msg.id, result }, transfer);
    } catch (e) {
      parentPort!.postMessage({ id: msg.id, error: (e as Error).message });
    }
  },
);
