/**
 * Graph convolution (Kipf & Welling 2017): `H' = Â H W + b` with the
 * symmetrically normalised adjacency `Â = D^-1/2 (A + I) D^-1/2`, on a dense
 * adjacency matrix (the course's graphs are small).
 */
import { ShapeError } from "../tensor/errors.js";
import * as lt from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/**
 * `D^-1/2 (A + I) D^-1/2` of a dense `[N, N]` adjacency (self loops
 * optional); isolated nodes get 0 rather than a division by zero.
 *
 * @example
 * F.gcnNorm(lt.tensor([[0, 1], [1, 0]])); // [[0.5, 0.5], [0.5, 0.5]]
 */
export function gcnNorm(adjacency: Tensor, options: { addSelfLoops?: boolean } = {}): Tensor {
  const s = adjacency.shape;
  if (s.length !== 2 || s[0] !== s[1]) {
    throw new ShapeError(`gcnNorm: the adjacency must be a square [N, N] matrix, got [${s}]`);
  }
  let a = adjacency.float();
  if (options.addSelfLoops ?? true) a = a.add(lt.eye(s[0]!, { device: a.device }));
  const deg = a.sum(1);
  const inv = lt.where(deg.gt(0), deg.rsqrt(), 0);
  return a.mul(inv.unsqueeze(1)).mul(inv.unsqueeze(0));
}

/**
 * One graph convolution layer (GCN): node features `[N, in]` and a dense
 * adjacency `[N, N]` → `[N, out]`. With `normalize` (default) the adjacency
 * is normalised as `D^-1/2 (A + I) D^-1/2`; pass a pre-normalised one with
 * `normalize: false` to skip the work each call. Weight: Xavier-uniform, bias 0
 * (as PyTorch Geometric's GCNConv).
 *
 * @example
 * const gcn = new nn.GCNConv(34, 16);
 * gcn(features, adjacency).shape; // [34, 16]
 */
export class GCNConv extends Module<[Tensor, Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;
  readonly normalize: boolean;
  readonly addSelfLoops: boolean;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    options: { bias?: boolean; normalize?: boolean; addSelfLoops?: boolean } = {},
  ) {
    super();
    this.normalize = options.normalize ?? true;
    this.addSelfLoops = options.addSelfLoops ?? true;
    this.weight = new Parameter(lt.zeros([outChannels, inChannels]));
    this.bias = options.bias === false ? null : new Parameter(lt.zeros([outChannels]));
    if (this.bias === null) this.registerParameter("bias", null);
    this.resetParameters();
  }

  resetParameters(): void {
    init.xavierUniform_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(x: Tensor, adjacency: Tensor): Tensor {
    if (
      x.shape.length !== 2 ||
      x.shape[1] !== this.inChannels ||
      adjacency.shape[0] !== x.shape[0]
    ) {
      throw new ShapeError(
        `GCNConv: expected features [N, ${this.inChannels}] and adjacency [N, N], got [${x.shape}] and [${adjacency.shape}]`,
      );
    }
    const a = this.normalize ? gcnNorm(adjacency, { addSelfLoops: this.addSelfLoops }) : adjacency;
    const out = a.matmul(x.matmul(this.weight.transpose(0, 1)));
    return this.bias ? out.add(this.bias) : out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}
