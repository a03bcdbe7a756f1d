// The recorded graph as Graphviz DOT text, for `dagrad graph` and for users.
import { postOrder } from "./engine.js";
import { formatShape } from "./errors.js";
import type { Tensor } from "./tensor.js";

export interface DotOptions {
  /** Show values of tensors with at most this many elements (0: never). */
  maxValues?: number;
  /** Show the L2 norm of .grad where one exists. */
  gradNorms?: boolean;
}

function norm(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.data.length; i++) s += t.data[i]! ** 2;
  return Math.sqrt(s);
}

function escape(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/**
 * Every tensor reachable from `root` through recorded inputs, constants
 * included, in topological order: each after all of its inputs, `root` last.
 */
export function graphNodes(root: Tensor): Tensor[] {
  return postOrder([root], () => true);
}

export function toDot(root: Tensor, options: DotOptions = {}): string {
  const maxValues = options.maxValues ?? 0;
  const nodes = graphNodes(root);
  const ids = new Map(nodes.map((t, i) => [t, `t${i}`]));
  const lines = ["digraph dagrad {", "  rankdir=BT;", '  node [fontname="Helvetica", fontsize=10];'];
  for (const t of nodes) {
    const parts = [t.op ?? t.name ?? (t.requiresGrad ? "leaf" : "constant"), `${formatShape(t.shape)} ${t.dtype}`];
    if (maxValues > 0 && t.size <= maxValues) parts.push(`value ${JSON.stringify(t.toArray())}`);
    if (options.gradNorms && t.grad) parts.push(`|grad| ${norm(t.grad).toPrecision(4)}`);
    const shape = t.op ? "box" : t.requiresGrad ? "ellipse" : "plaintext";
    lines.push(`  ${ids.get(t)} [label="${parts.map(escape).join("\\n")}", shape=${shape}];`);
  }
  for (const t of nodes) {
    for (const input of t.inputs) lines.push(`  ${ids.get(input)} -> ${ids.get(t)};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
