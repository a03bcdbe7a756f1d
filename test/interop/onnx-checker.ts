// The ONNX checker's graph-level rules, for the tests (the reference checker
// is Python's onnx.checker): an IR version and a default-domain opset; nodes
// in topological order, each reading only the graph's inputs, initializers
// and earlier nodes' outputs; every name (value, initializer, node) used once;
// every input, output and intermediate value declared with an element type
// and a full shape; initializers holding as many values as their dims say.
import { type Onnx, int64, onnx } from "../../src/interop/onnx/proto.js";

export function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** What the model breaks, one line per rule broken; empty when it follows them all. */
export function checkerProblems(model: Onnx.IModelProto): string[] {
  const problems: string[] = [];
  if (int64(model.irVersion) < 7) problems.push(`ir_version ${int64(model.irVersion)} is not set (or older than 7)`);
  if (!(model.opsetImport ?? []).some((o) => (o.domain ?? "") === "" && int64(o.version) >= 13)) problems.push("no default-domain opset_import of 13 or later");
  const graph = model.graph;
  if (!graph) return [...problems, "no graph"];

  const defined = new Set<string>();
  const define = (name: string, what: string): void => {
    if (name === "") problems.push(`${what} has an empty name`);
    else if (defined.has(name)) problems.push(`${what} "${name}" reuses a name already defined`);
    defined.add(name);
  };
  for (const t of graph.initializer ?? []) {
    define(t.name ?? "", "initializer");
    const size = (t.dims ?? []).map(int64).reduce((n, d) => n * d, 1);
    const width = t.dataType === 11 ? 8 : 4;
    const held = t.rawData && t.rawData.length > 0 ? t.rawData.length / width : (t.dataType === 11 ? t.doubleData : t.floatData)?.length ?? 0;
    if (held !== size) problems.push(`initializer "${t.name}" has dims [${(t.dims ?? []).map(int64)}] but holds ${held} values`);
  }
  for (const v of graph.input ?? []) define(v.name ?? "", "graph input");

  const nodeNames = new Set<string>();
  for (const [i, node] of (graph.node ?? []).entries()) {
    if (node.name) {
      if (nodeNames.has(node.name)) problems.push(`node ${i} reuses the node name "${node.name}"`);
      nodeNames.add(node.name);
    }
    for (const input of node.input ?? []) {
      if (input !== "" && !defined.has(input)) problems.push(`node ${i} (${node.opType}) reads "${input}" before it is defined: not topologically sorted`);
    }
    for (const output of node.output ?? []) define(output, `output of node ${i} (${node.opType})`);
  }
  for (const v of graph.output ?? []) if (!defined.has(v.name ?? "")) problems.push(`graph output "${v.name}" is made by no node`);

  const declared = new Map<string, Onnx.IValueInfoProto>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    if (declared.has(v.name ?? "")) problems.push(`value "${v.name}" is declared twice`);
    declared.set(v.name ?? "", v);
    const tensor = v.type?.tensorType;
    if (!tensor || !tensor.elemType) problems.push(`value "${v.name}" has no element type`);
    const dims = tensor?.shape?.dim;
    if (!dims) problems.push(`value "${v.name}" has no shape`);
    else if (dims.some((d) => !d.dimParam && !(int64(d.dimValue) > 0))) problems.push(`value "${v.name}" has a dimension that is neither a size nor a name`);
  }
  for (const node of graph.node ?? []) {
    for (const output of node.output ?? []) if (!declared.has(output)) problems.push(`value "${output}" (output of ${node.opType}) has no declared type and shape`);
  }
  return problems;
}

/** The declared dims of every value (the batch dimension given as `batch`), by name. */
export function declaredDims(model: Onnx.IModelProto, batch: number): Map<string, number[]> {
  const dims = new Map<string, number[]>();
  for (const v of [...(model.graph?.output ?? []), ...(model.graph?.valueInfo ?? [])]) {
    dims.set(v.name ?? "", (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? batch : int64(d.dimValue))));
  }
  return dims;
}

/** The same model with every declared intermediate value also a graph output, so a runtime returns each and its shape can be compared with the declaration. */
export function exposeIntermediates(model: Onnx.IModelProto): Uint8Array {
  const graph = { ...model.graph, output: [...(model.graph?.output ?? []), ...(model.graph?.valueInfo ?? [])] };
  return onnx.ModelProto.encode({ ...model, graph }).finish();
}
