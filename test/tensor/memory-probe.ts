/**
 * Run by memory.test.ts as `node --expose-gc memory-probe.js <steps>`:
 * trains a tiny model for `steps` steps and prints the heap after warm-up
 * and at the end, then checks that a backend's storage is freed when its
 * tensors are collected. Output: one JSON line.
 */
import * as lt from "../../tensor/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const steps = Number(process.argv[2] ?? 10000);

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

lt.manualSeed(0);
const x = lt.randn([16, 8]);
const trueW = lt.randn([8, 1]);
const y = x.matmul(trueW);
const w = lt.zeros([8, 1], { requiresGrad: true });
const b = lt.zeros([1], { requiresGrad: true });
const losses: number[] = [];
let warm = 0;
for (let step = 0; step < steps; step++) {
  const loss = x.matmul(w).add(b).sub(y).pow(2).mean();
  loss.backward();
  lt.noGrad(() => {
    w.sub_(w.grad!.mul(0.05));
    b.sub_(b.grad!.mul(0.05));
  });
  w.grad = null;
  b.grad = null;
  if (step % 1000 === 0) losses.push(loss.itemSync() as number);
  if (step === 999) warm = heap();
}
const end = heap();

// Finalization: a backend whose memory the GC does not manage gets free() calls.
let freed = 0;
const counting: lt.Backend<Float32Array> = {
  name: "counting",
  alloc: (_d, n) => new Float32Array(n),
  fromTypedArray: (data) => Float32Array.from(data),
  read: async (s, _d, o, n) => s.slice(o, o + n),
  free: () => {
    freed++;
  },
};
lt.registerBackend("counting", counting);
(() => {
  for (let i = 0; i < 100; i++) lt.tensor([1, 2, 3], { device: "counting" });
})();
const eager = lt.tensor([1], { device: "counting" });
eager.dispose();
const afterDispose = freed;
for (let i = 0; i < 20 && freed < 101; i++) {
  gc();
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ warm, end, losses, afterDispose, freed }));
