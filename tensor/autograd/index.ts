/** `lt.autograd`: functional gradients, finite-difference checks and graph export. */
export { grad, type GradOptions } from "./functional.js";
export { gradcheck, type GradcheckOptions } from "./gradcheck.js";
export { type Graph, type GraphEdge, type GraphNode, graph } from "./graph.js";
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from "./mode.js";
export { type BackwardFn, Node, record } from "./node.js";
