import * as lt from "../tensor/index.js";
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { TensorDataset } from "./dataset.js";

/**
 * Points with labels: a `TensorDataset` of `x` [N, 2] float32 and `y` [N]
 * int32, with both tensors at hand for plotting.
 */
export class PointDataset extends TensorDataset {
  get x(): Tensor {
    return this.tensors[0]!;
  }

  get y(): Tensor {
    return this.tensors[1]!;
  }
}

function checkCount(op: string, n: number, min = 1): void {
  if (!(Number.isInteger(n) && n >= min))
    throw new ValueError(`${op}: n must be an integer >= ${min}, got ${n}`);
}

function points(x: Tensor, y: number[] | Int32Array): PointDataset {
  return new PointDataset(x, lt.tensor(Int32Array.from(y)));
}

/**
 * The XOR problem: without `n`, the four corners of the unit square with
 * labels [0, 1, 1, 0]; with `n`, that many points scattered around the
 * corners by Gaussian `noise` (drawn from lectern's generator).
 *
 * @example
 * const { x, y } = data.xor(); // x: [[0,0],[0,1],[1,0],[1,1]], y: [0,1,1,0]
 */
export function xor({ n, noise = 0.1 }: { n?: number; noise?: number } = {}): PointDataset {
  const corners = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  if (n === undefined) return points(lt.tensor(corners), [0, 1, 1, 0]);
  checkCount("xor", n);
  const base = Array.from({ length: n }, (_, i) => corners[i % 4]!);
  const x = lt.tensor(base).add(lt.randn([n, 2]).mul(noise));
  return points(
    x,
    base.map(([a, b]) => a! ^ b!),
  );
}

/**
 * Interleaved spirals, one arm per class (CS231n's toy data): arm k has
 * radius 0..1 and angle `4k .. 4(k+1)` plus Gaussian `noise` on the angle.
 *
 * @example
 * lt.manualSeed(0);
 * const spirals = data.spirals({ n: 100, classes: 3 }); // 300 points
 */
export function spirals({
  n = 100,
  classes = 3,
  noise = 0.2,
}: {
  n?: number;
  classes?: number;
  noise?: number;
} = {}): PointDataset {
  checkCount("spirals", n, 2);
  checkCount("spirals (classes)", classes);
  const r = lt.linspace(0, 1, n);
  const xs: Tensor[] = [];
  const labels: number[] = [];
  for (let k = 0; k < classes; k++) {
    const t = lt.linspace(4 * k, 4 * (k + 1), n).add(lt.randn([n]).mul(noise));
    xs.push(lt.stack([r.mul(t.sin()), r.mul(t.cos())], 1));
    for (let i = 0; i < n; i++) labels.push(k);
  }
  return points(lt.cat(xs), labels);
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`): `n` points
 * split between the upper moon (label 0) and the lower one (label 1), plus
 * Gaussian `noise`.
 *
 * @example
 * const moons = data.moons({ n: 200, noise: 0.1 });
 */
export function moons({ n = 100, noise = 0 }: { n?: number; noise?: number } = {}): PointDataset {
  checkCount("moons", n, 2);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const tOut = lt.linspace(0, Math.PI, nOut);
  const tIn = lt.linspace(0, Math.PI, nIn);
  const outer = lt.stack([tOut.cos(), tOut.sin()], 1);
  const inner = lt.stack([tIn.cos().neg().add(1), tIn.sin().neg().add(0.5)], 1);
  let x = lt.cat([outer, inner]);
  if (noise > 0) x = x.add(lt.randn([n, 2]).mul(noise));
  return points(x, [...Array(nOut).fill(0), ...Array(nIn).fill(1)]);
}

/**
 * Gaussian blobs (scikit-learn's `make_blobs`): `n` points split evenly
 * between `centers` (a count, drawn uniformly in `centerBox`, or explicit
 * coordinates), each with standard deviation `std`.
 *
 * @example
 * const blobs = data.blobs({ n: 300, centers: [[-2, 0], [2, 0], [0, 3]], std: 0.5 });
 */
export function blobs({
  n = 100,
  centers = 3,
  std = 1,
  centerBox = [-10, 10],
}: {
  n?: number;
  centers?: number | number[][];
  std?: number;
  centerBox?: [number, number];
} = {}): PointDataset {
  checkCount("blobs", n);
  const c: Tensor =
    typeof centers === "number"
      ? lt
          .rand([centers, 2])
          .mul(centerBox[1] - centerBox[0])
          .add(centerBox[0])
      : lt.tensor(centers);
  const k = c.shape[0]!;
  const labels = Array.from({ length: n }, (_, i) => Math.floor((i * k) / n));
  const index = lt.tensor(Int32Array.from(labels));
  const x = c.indexSelect(0, index).add(lt.randn([n, c.shape[1]!]).mul(std));
  return points(x, labels);
}
