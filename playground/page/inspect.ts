// The inspect view: the step's graph (an SVG from src/report's dagFigure), a
// table of the documents' quantities with autograd's and the manual formulas'
// numbers side by side, every node's value and gradient, and the gradient check.
// Each number cell keeps its full-precision values in data-values.
import type { GraphNodeView, StepComparison } from "../../src/nn/manual/inspect.js";
import { GRADCHECK } from "../config.js";
import type { GradientCheck, Inspection } from "../session.js";
import { byId } from "./form.js";

function cell(tag: "td" | "th", text: string, className?: string, values?: ArrayLike<number>): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (className !== undefined) c.className = className;
  if (values !== undefined) c.dataset.values = JSON.stringify(Array.from(values));
  return c;
}

function row(cells: HTMLTableCellElement[], className?: string): HTMLTableRowElement {
  const r = document.createElement("tr");
  if (className !== undefined) r.className = className;
  r.append(...cells);
  return r;
}

/** Numbers to six significant digits, bracketed when there are several. */
export function vector(values: ArrayLike<number>): string {
  const parts = Array.from(values, (v) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v)));
  return parts.length === 1 ? parts[0]! : `[${parts.join(", ")}]`;
}

const exponent = (v: number | null) => (v === null ? "-" : v.toExponential(1));

function stepsTable(comparisons: readonly StepComparison[]): HTMLTableElement {
  const table = byId<HTMLTableElement>("steps");
  const head = row(["quantity", "manual formula", "autograd", "manual", "|Δ|", "gradient", "manual formula", "autograd", "manual", "|Δ|"].map((t) => cell("th", t)));
  table.replaceChildren(head, ...comparisons.map((c) => row([
    cell("th", c.name),
    cell("td", c.formula, "formula"),
    cell("td", vector(c.value.autograd), "value-autograd", c.value.autograd),
    cell("td", vector(c.value.manual), "value-manual", c.value.manual),
    cell("td", exponent(c.valueDiff), "diff"),
    cell("td", c.gradientName ?? ""),
    cell("td", c.gradientFormula ?? (c.gradientName === null ? "" : "skipped: the formulas go straight to dZ"), "formula"),
    c.grad === null ? cell("td", "") : cell("td", vector(c.grad.autograd), "grad-autograd", c.grad.autograd),
    c.grad === null ? cell("td", "") : cell("td", vector(c.grad.manual), "grad-manual", c.grad.manual),
    cell("td", exponent(c.gradDiff), "diff"),
  ], `step node-${c.node}`)));
  return table;
}

function nodesTable(nodes: readonly GraphNodeView[]): void {
  const head = row(["#", "node", "kind", "named", "shape", "value", "gradient ∂L/∂node", "inputs"].map((t) => cell("th", t)));
  byId<HTMLTableElement>("nodes").replaceChildren(head, ...nodes.map((n) => row([
    cell("td", String(n.index)),
    cell("td", n.label),
    cell("td", n.kind),
    cell("td", n.names.join(" = ")),
    cell("td", `[${n.shape.join(",")}]`),
    cell("td", vector(n.value), "node-value", n.value),
    n.grad === null ? cell("td", "none (nothing flows back)") : cell("td", vector(n.grad), "node-grad", n.grad),
    cell("td", n.inputs.join(", ")),
  ], `node-${n.index}`)));
}

/** Mark the rows of graph node `index` in both tables, and scroll the node's row into view. */
function highlight(index: number): void {
  for (const r of document.querySelectorAll("#steps tr, #nodes tr")) r.classList.toggle("highlight", r.classList.contains(`node-${index}`));
  document.querySelector(`#nodes tr.node-${index}`)?.scrollIntoView({ block: "nearest" });
}

export function showInspection(inspection: Inspection, epoch: number): void {
  const { comparisons } = inspection;
  const worst = comparisons === null ? null : Math.max(...comparisons.flatMap((c) => [c.valueDiff, c.gradDiff ?? 0]));
  const summary = [
    `${inspection.set} sample ${inspection.index} at epoch ${epoch}: x = (${inspection.x.map((v) => v.toFixed(3)).join(", ")}), class ${inspection.label}; loss ${inspection.loss.toPrecision(6)}.`,
    worst === null ? `No manual column: ${inspection.manualUnavailable}.` : `Largest |manual - autograd| over every value and gradient: ${worst.toExponential(1)} (float64).`,
  ];
  byId("inspect-summary").textContent = summary.join(" ");
  byId("inspect-summary").dataset.worst = worst === null ? "" : String(worst);
  if (comparisons === null) byId<HTMLTableElement>("steps").replaceChildren();
  else stepsTable(comparisons);
  const graph = byId("graph");
  graph.innerHTML = inspection.graphSvg;
  for (const group of graph.querySelectorAll<SVGGElement>("g[data-node]")) {
    group.addEventListener("click", () => highlight(Number(group.dataset.node)));
  }
  nodesTable(inspection.nodes);
}

export function showGradientCheck(check: GradientCheck): void {
  const passed = check.rows.filter((r) => r.passed).length;
  byId("gradcheck-summary").textContent =
    `Central differences on the live network (float64, eps ${GRADCHECK.eps}) for ${check.set} sample ${check.index}: ` +
    `${passed} of ${check.rows.length} parameters pass (relative error below ${GRADCHECK.tolerance}, or every difference below ${GRADCHECK.atol}).`;
  const head = row(["parameter", "shape", "relative error vs central differences", "largest |difference|", "manual vs autograd", "verdict"].map((t) => cell("th", t)));
  byId<HTMLTableElement>("gradcheck").replaceChildren(head, ...check.rows.map((r) => row([
    cell("td", r.name),
    cell("td", `[${r.shape.join(",")}]`),
    cell("td", r.relativeError.toExponential(2), "relative-error"),
    cell("td", r.maxAbsError.toExponential(2)),
    cell("td", r.manualRelativeError === null ? "-" : r.manualRelativeError.toExponential(2)),
    cell("td", r.passed ? "pass" : "FAIL", r.passed ? "pass" : "fail"),
  ])));
}
