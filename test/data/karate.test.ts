import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { karateClubArrays } from "../../data/karate.js";

describe("karateClubArrays", () => {
  it("has Zachary's 34 members and 78 distinct friendships, no self-loops", () => {
    const g = karateClubArrays();
    assert.equal(g.numNodes, 34);
    assert.equal(g.edges.length, 78);
    const keys = new Set(g.edges.map(([a, b]) => `${a}-${b}`));
    assert.equal(keys.size, 78);
    for (const [a, b] of g.edges) assert.ok(a < b && a >= 0 && b < 34);
  });

  it("matches the published degree sequence (Zachary 1977; NetworkX karate_club_graph)", () => {
    const g = karateClubArrays();
    const degree = new Array(34).fill(0);
    for (const [a, b] of g.edges) {
      degree[a]++;
      degree[b]++;
    }
    assert.deepEqual(
      degree,
      [
        16, 9, 10, 6, 3, 4, 4, 4, 5, 2, 3, 1, 2, 5, 2, 2, 2, 2, 2, 3, 2, 2, 2, 5, 3, 3, 2, 4, 3, 4,
        4, 6, 12, 17,
      ],
    );
    const rowSums = Array.from({ length: 34 }, (_, i) =>
      g.adjacency.subarray(i * 34, (i + 1) * 34).reduce((a, b) => a + b, 0),
    );
    assert.deepEqual(rowSums, degree);
  });

  it("splits into two clubs of 17 led by node 0 (Mr. Hi) and node 33 (Officer)", () => {
    const g = karateClubArrays();
    assert.equal(g.labels.filter((l) => l === 0).length, 17);
    assert.equal(g.labels[0], 0);
    assert.equal(g.labels[33], 1);
  });
});

describe("karateClub (tensors)", () => {
  it("gives identity features, a symmetric adjacency, both edge directions and two labelled nodes", async () => {
    const { karateClub } = await import("../../data/karate.js");
    const g = karateClub();
    assert.deepEqual(g.x.shape, [34, 34]);
    assert.deepEqual(g.edgeIndex.shape, [2, 156]);
    const a = g.adjacency.arraySync() as number[][];
    assert.deepEqual(
      a,
      a.map((_, i) => a.map((row) => row[i])),
      "symmetric",
    );
    assert.deepEqual(
      Array.from(g.trainMask.dataSync()).flatMap((v, i) => (v ? [i] : [])),
      [0, 33],
    );
    assert.equal(g.classes[g.y.dataSync()[33]!], "Officer");
  });
});
