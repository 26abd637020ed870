/**
 * The one walk over model graphs: every node reachable from some roots, parents before children.
 * Iterative (an explicit stack, so a chain of any depth fits) and linear in the number of nodes
 * and edges. Naming, execution order, saving and display all use it.
 */
import type { GraphNode } from "./model.js";

/**
 * The nodes reachable from `roots`, each once, in depth-first post-order: a node's parents (in
 * order, each with its own ancestors first) come before it, and roots are taken in order. This is
 * Axon's naming order; it is a topological order of the graph.
 */
export function parentsFirst(roots: readonly GraphNode[]): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  // The path being explored: each node with the index of the next parent to visit.
  const nodes: GraphNode[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    nodes.push(root);
    next.push(0);
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const node = nodes[top]!;
      const i = next[top]!;
      if (i < node.parents.length) {
        next[top] = i + 1;
        const parent = node.parents[i]!;
        if (!seen.has(parent)) {
          seen.add(parent);
          nodes.push(parent);
          next.push(0);
        }
      } else {
        nodes.pop();
        next.pop();
        order.push(node);
      }
    }
  }
  return order;
}
