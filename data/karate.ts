import * as lt from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Zachary's karate club (W. W. Zachary, "An information flow model for
 * conflict and fission in small groups", J. Anthropological Research 33,
 * 1977): 34 members, 78 friendships, and the two clubs the members joined
 * after the split. Node numbers are Zachary's minus one (0 is the
 * instructor "Mr. Hi", 33 the administrator "Officer"), as in NetworkX's
 * `karate_club_graph`.
 */
// biome-ignore format: one row per node keeps the published edge list readable
export const KARATE_EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [0, 8], [0, 10], [0, 11], [0, 12], [0, 13], [0, 17], [0, 19], [0, 21], [0, 31],
  [1, 2], [1, 3], [1, 7], [1, 13], [1, 17], [1, 19], [1, 21], [1, 30],
  [2, 3], [2, 7], [2, 8], [2, 9], [2, 13], [2, 27], [2, 28], [2, 32],
  [3, 7], [3, 12], [3, 13],
  [4, 6], [4, 10],
  [5, 6], [5, 10], [5, 16],
  [6, 16],
  [8, 30], [8, 32], [8, 33],
  [9, 33],
  [13, 33],
  [14, 32], [14, 33],
  [15, 32], [15, 33],
  [18, 32], [18, 33],
  [19, 33],
  [20, 32], [20, 33],
  [22, 32], [22, 33],
  [23, 25], [23, 27], [23, 29], [23, 32], [23, 33],
  [24, 25], [24, 27], [24, 31],
  [25, 31],
  [26, 29], [26, 33],
  [27, 33],
  [28, 31], [28, 33],
  [29, 32], [29, 33],
  [30, 32], [30, 33],
  [31, 32], [31, 33],
  [32, 33],
];

/** Club each member joined: 0 = Mr. Hi's, 1 = the Officer's. */
export const KARATE_CLUBS: ReadonlyArray<number> = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1,
];

export const KARATE_CLUB_NAMES = ["Mr. Hi", "Officer"];

/** The karate-club graph as plain arrays. */
export interface KarateClubArrays {
  numNodes: number;
  /** Undirected edges, each listed once with the smaller node first. */
  edges: Array<[number, number]>;
  /** Club of each node (0 = Mr. Hi, 1 = Officer). */
  labels: Int32Array;
  /** Dense symmetric 0/1 adjacency, row-major [34, 34], no self-loops. */
  adjacency: Float32Array;
}

/**
 * Zachary's karate club as arrays, for graph lectures (GCN node
 * classification with two labelled nodes).
 *
 * @example
 * const g = data.karateClubArrays();
 * g.edges.length; // 78
 */
export function karateClubArrays(): KarateClubArrays {
  const numNodes = KARATE_CLUBS.length;
  const adjacency = new Float32Array(numNodes * numNodes);
  for (const [a, b] of KARATE_EDGES) {
    adjacency[a * numNodes + b] = 1;
    adjacency[b * numNodes + a] = 1;
  }
  return {
    numNodes,
    edges: KARATE_EDGES.map(([a, b]) => [a, b]),
    labels: Int32Array.from(KARATE_CLUBS),
    adjacency,
  };
}

/** Zachary's karate club as tensors, ready for a graph network. */
export interface KarateClubGraph {
  numNodes: number;
  /** Node features: the identity [34, 34] (one-hot node ids, as in Kipf & Welling's demo). */
  x: Tensor;
  /** Dense symmetric adjacency [34, 34], float32, no self-loops. */
  adjacency: Tensor;
  /** Edges in both directions, int32 [2, 156] (PyTorch Geometric's `edge_index`). */
  edgeIndex: Tensor;
  /** Club of each node, int32 [34]. */
  y: Tensor;
  /** The semi-supervised setting: only the two leaders (nodes 0 and 33) are labelled. */
  trainMask: Tensor;
  classes: string[];
}

/**
 * Zachary's karate club as tensors for the GCN lecture.
 *
 * @example
 * const g = data.karateClub();
 * g.adjacency.sum(1); // node degrees
 */
export function karateClub(): KarateClubGraph {
  const g = karateClubArrays();
  const n = g.numNodes;
  const sources = g.edges.flat();
  const targets = g.edges.flatMap(([a, b]) => [b, a]);
  const mask = new Uint8Array(n);
  mask[0] = 1;
  mask[n - 1] = 1;
  return {
    numNodes: n,
    x: lt.eye(n),
    adjacency: lt.tensor(g.adjacency).reshape([n, n]),
    edgeIndex: lt.tensor([sources, targets], { dtype: "int32" }),
    y: lt.tensor(g.labels),
    trainMask: lt.tensor(mask, { dtype: "bool" }),
    classes: [...KARATE_CLUB_NAMES],
  };
}
