// A case as a runnable TypeScript program on dagrad's public API: the leaves
// with their exact float64 values, the op calls, the loss and backward, and
// what disagrees (a step's value, the gradients, or the second derivatives).
import type { Case, Entry } from "./builder.js";
import { type Failure, STEP } from "./check.js";
import { list } from "./draws.js";

const leafText = (e: Entry): string =>
  `const ${e.name} = tensor(${list(e.data)}, { shape: ${list(e.shape)}, dtype: "float64"${e.requiresGrad ? ", requiresGrad: true" : ""} });`;

/** The program; `importFrom` is where dagrad is imported from, `header` goes on top as comments. */
export function program(c: Case, failure: Failure | null, options: { importFrom?: string; header?: readonly string[] } = {}): string {
  const show = failure?.show ?? { kind: c.sinks.length > 0 ? "gradient" : "value", step: c.steps[c.steps.length - 1]! };
  const roots = show.kind === "value" ? [show.step] : c.sinks.map((s) => s.entry);
  const needed = new Set(roots.flatMap((r) => [...r.ancestors]));
  const leaves = c.leaves.filter((l) => needed.has(l.id));
  const steps = c.steps.filter((s) => needed.has(s.id));
  const stepLines = steps.map((s) => `const ${s.name} = ${s.code(s.inputs.map((e) => e.name))};`);
  const imports = new Set(["tensor", ...steps.flatMap((s) => s.imports)]);
  const lines = [...(options.header ?? []).map((l) => `// ${l}`)];
  const body: string[] = [];

  if (show.kind === "value") {
    body.push(...leaves.map(leafText), "", ...stepLines, `console.log("${show.step.name}", ${show.step.name}.toArray());`);
  } else {
    const weights = c.sinks.flatMap((s) => (s.weight === null ? [] : [`const w${s.entry.id} = tensor(${list(s.weight.data)}, { shape: ${list(s.weight.shape)}, dtype: "float64" });`]));
    const terms = c.sinks.map((s) => (s.weight === null ? `sum(${s.entry.name})` : `sum(mul(${s.entry.name}, w${s.entry.id}))`));
    if (show.kind === "second" && show.withQuadratic) {
      const inLoss = new Set(c.sinks.flatMap((s) => [...s.entry.perturbedBy]));
      const squares = leaves.filter((l) => inLoss.has(l.id)).map((l) => `sum(square(${l.name}))`);
      terms.push(`mul(0.5, ${squares.reduce((total, t) => `add(${total}, ${t})`)})`);
    }
    const loss = terms.reduce((total, t) => `add(${total}, ${t})`);
    for (const fn of ["add", "mul", "square", "sum"]) if (loss.includes(`${fn}(`)) imports.add(fn);
    imports.add("type Tensor");
    if (show.kind === "second") imports.add("gradgradcheck");
    const params = leaves.map((l) => l.name);
    body.push(
      ...leaves.map(leafText),
      ...weights,
      "",
      `function f(${params.map((p) => `${p}: Tensor`).join(", ")}): Tensor {`,
      ...stepLines.map((l) => `  ${l}`),
      `  return ${loss};`,
      "}",
      "",
      `const loss = f(${params.join(", ")});`,
      `console.log("loss", loss.item());`,
    );
    if (show.kind === "gradient") {
      const call = `f(${params.join(", ")})`;
      body.push("loss.backward();");
      for (const l of leaves.filter((x) => x.requiresGrad)) body.push(`console.log("${l.name}.grad (backward)", ${l.name}.grad?.toArray());`);
      body.push(
        "",
        `// Central differences of f, one element at a time (gradcheck's step).`,
        "function centralDifferences(x: Tensor): NestedArray {",
        `  const d = Array.from(x.data, (v, i) => {`,
        `    x.data[i] = v + ${STEP.toExponential()};`,
        `    const plus = noGrad(() => ${call}).item();`,
        `    x.data[i] = v - ${STEP.toExponential()};`,
        `    const minus = noGrad(() => ${call}).item();`,
        "    x.data[i] = v;",
        `    return (plus - minus) / ${(2 * STEP).toExponential()};`,
        "  });",
        `  return tensor(d, { shape: x.shape, dtype: "float64" }).toArray();`,
        "}",
      );
      for (const l of leaves.filter((x) => x.requiresGrad)) body.push(`console.log("${l.name}.grad (central differences)", centralDifferences(${l.name}));`);
      imports.add("noGrad");
      imports.add("type NestedArray");
    } else {
      body.push(`const check = gradgradcheck(f, [${params.join(", ")}]);`, `console.log("second derivatives pass", check.passed);`);
      leaves.forEach((l, i) => {
        if (l.requiresGrad) body.push(`console.log("${l.name}: double backward", check.inputs[${i}]?.analytic, "central differences", check.inputs[${i}]?.numerical);`);
      });
    }
  }
  const names = [...imports].sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
  lines.push(`import { ${names.join(", ")} } from "${options.importFrom ?? "dagrad"}";`, "", ...body);
  return `${lines.join("\n")}\n`;
}
