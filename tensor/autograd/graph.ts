import type { Tensor } from "../tensor.js";

/** One box of the exported graph: a recorded op or a leaf tensor. */
export interface GraphNode {
  id: string;
  /** Op name ("mul", "matmul"...), or "leaf" for tensors created by the user. */
  op: string;
  shape: number[];
  dtype: string;
  /** A leaf's name from `opts.names`, if given. */
  name?: string;
}

/** An arrow from an input (`from`) to the op that consumed it (`to`). */
export interface GraphEdge {
  from: string;
  to: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * The recorded computation that produced `t`, for display (the dlsys
 * lectures draw it): ops and leaves with shapes, and input → op edges, in
 * topological order (inputs first).
 *
 * @example
 * const x = lt.tensor([1, 2], { requiresGrad: true });
 * lt.autograd.graph(x.mul(2).sum());
 * // { nodes: [{ id: "t0", op: "leaf", ... }, { id: "n5", op: "mul", ... }, ...], edges: [...] }
 */
export function graph(t: Tensor, opts: { names?: Map<Tensor, string> } = {}): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Map<Tensor, string>();
  let leaves = 0;
  const visit = (x: Tensor): string => {
    const known = ids.get(x);
    if (known !== undefined) return known;
    const node = x.gradFn;
    if (node === null) {
      const id = `t${leaves++}`;
      ids.set(x, id);
      const name = opts.names?.get(x);
      nodes.push({
        id,
        op: "leaf",
        shape: [...x.shape],
        dtype: x.dtype,
        ...(name ? { name } : {}),
      });
      return id;
    }
    const id = `n${node.id}`;
    ids.set(x, id);
    const inputIds = node.inputs.filter((i) => i.requiresGrad).map(visit);
    nodes.push({ id, op: node.op, shape: [...node.shape], dtype: node.dtype });
    for (const from of inputIds) edges.push({ from, to: id });
    return id;
  };
  visit(t);
  return { nodes, edges };
}
