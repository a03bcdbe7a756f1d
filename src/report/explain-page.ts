// explain.html: a worked backprop step as a page to show a class, the
// equations first, then every value from the manual formulas and from
// autograd side by side, as matrices (the page shell is page.ts).
import { htmlPage } from "./page.js";
import { escapeXml } from "./svg.js";

export interface ExplainPageStep {
  name: string;
  formula: string;
  /** [rows, cols] for matrices, [n] for vectors, [] for the loss. */
  shape: readonly number[];
  manual: ArrayLike<number>;
  /** Null where the graph keeps no separate value for the step. */
  autograd: ArrayLike<number> | null;
  difference: number | null;
}

export interface ExplainPageOptions {
  title: string;
  /** What is explained: the example's title. */
  subtitle: string;
  note: string;
  /** Input, target, weights: label and value as text. */
  setup: readonly (readonly [string, string])[];
  sections: readonly { heading: string; steps: readonly ExplainPageStep[] }[];
  summary: string;
}

/** The batch backprop equations of 001 and 000 (samples as rows), written once. */
const EQUATIONS = [
  ["Forward, layer l", "Zₗ = Aₗ₋₁ Wₗᵀ + bₗ,   Aₗ = f(Zₗ),   A₀ = X"],
  ["Loss", "L = loss(A_L, Y), averaged over the m rows"],
  ["Output error", "dZ_L = ∂L/∂Z_L  (sigmoid + BCE, softmax + cross-entropy, identity + squared error: (A_L − Y) / m)"],
  ["Weights and biases", "dWₗ = dZₗᵀ Aₗ₋₁,   dbₗ = Σ_rows dZₗ"],
  ["Back through Wₗ (the transpose pattern)", "dAₗ₋₁ = dZₗ Wₗ"],
  ["Back through f", "dZₗ = dAₗ ⊙ f′(Zₗ)"],
  ["Gradient descent", "Wₗ ← Wₗ − lr · dWₗ,   bₗ ← bₗ − lr · dbₗ"],
] as const;

const STYLE = `.note { background: #f6f6f0; padding: 8px 12px; border-left: 3px solid #cc9; }
.equations td:last-child, .formula { font-family: "DejaVu Sans Mono", Menlo, monospace; }
.matrix { border: none; margin: 0; } .matrix td { border: none; padding: 1px 8px; text-align: right; font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
.step h3 { margin: 18px 0 4px; } .same { color: #2a7a2a; } .differs { color: #b22; }
`;

/** Values as a matrix table, rows of `shape[1]` (one row for vectors and the loss). */
function matrix(values: ArrayLike<number>, shape: readonly number[]): string {
  const cols = shape.length === 2 ? shape[1]! : Math.max(1, values.length);
  const rows: string[] = [];
  for (let r = 0; r * cols < values.length; r++) {
    const cells = Array.from({ length: cols }, (_, c) => `<td>${escapeXml(values[r * cols + c]!.toFixed(10))}</td>`).join("");
    rows.push(`<tr>${cells}</tr>`);
  }
  return `<table class="matrix">${rows.join("")}</table>`;
}

function step(s: ExplainPageStep): string {
  const shape = `[${s.shape.join(", ")}]`;
  const autograd = s.autograd === null ? `<td>the graph keeps no separate ${escapeXml(s.name)}</td>` : `<td>${matrix(s.autograd, s.shape)}</td>`;
  const difference = s.difference === null ? "" : `<p class="${s.difference === 0 ? "same" : "differs"}">max |manual − autograd| = ${escapeXml(s.difference.toExponential(2))}</p>`;
  return `<div class="step"><h3>${escapeXml(s.name)} = <span class="formula">${escapeXml(s.formula)}</span> <small>shape ${escapeXml(shape)}</small></h3>
<table><tr><th>manual formulas</th><th>autograd</th></tr><tr><td>${matrix(s.manual, s.shape)}</td>${autograd}</tr></table>${difference}</div>`;
}

export function explainHtml(options: ExplainPageOptions): string {
  const equations = EQUATIONS.map(([what, formula]) => `<tr><td>${escapeXml(what)}</td><td>${escapeXml(formula)}</td></tr>`).join("");
  const setup = options.setup.map(([label, value]) => `<tr><th>${escapeXml(label)}</th><td class="formula">${escapeXml(value)}</td></tr>`).join("");
  const sections = options.sections.map((s) => `<h2>${escapeXml(s.heading)}</h2>\n${s.steps.map(step).join("\n")}`).join("\n");
  const body = `<p class="note">${escapeXml(options.note)}</p>
<h2>The equations</h2>
<table class="equations">${equations}</table>
<h2>The example</h2>
<table>${setup}</table>
${sections}
<h2>Summary</h2>
<p>${escapeXml(options.summary)}</p>`;
  return htmlPage({ title: options.title, subtitle: options.subtitle, style: STYLE, body });
}
