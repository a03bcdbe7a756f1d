// Image grids, confusion matrices, small multiples, the DAG picture and the HTML page.
import { describe, expect, it } from "vitest";
import { type Tensor, graphNodes, tensor } from "../../src/autograd/index.js";
import { Linear, Residual, Sequential, Tanh } from "../../src/nn/index.js";
import { confusionCounts, confusionMatrix, dagFigure, imageGrid, lineChart, reportHtml, smallMultiples, toSvg } from "../../src/report/index.js";
import { byClass, byTag, parseXml } from "./svg-dom.js";

describe("imageGrid", () => {
  it("draws each 28x28 image with all 784 pixels and its caption", () => {
    const images = [0, 1, 2].map((k) => Array.from({ length: 784 }, (_, i) => Math.sin(i * (k + 1))));
    const doc = parseXml(toSvg(imageGrid({ title: "Weights", images, imageWidth: 28, imageHeight: 28, colormap: "signed", captions: ["a", "b", "c"] })));
    const groups = byClass(doc, "image");
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      const cells = byTag(g, "path").reduce((n, p) => n + [...p.attrs.d!.matchAll(/h(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), 0);
      expect(cells).toBe(784);
    }
    expect(byClass(doc, "caption").map((c) => c.text)).toEqual(["a", "b", "c"]);
  });
});

describe("confusionMatrix", () => {
  it("counts predictions per true class and prints them row by row", () => {
    const counts = confusionCounts([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
    expect(counts).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
    const doc = parseXml(toSvg(confusionMatrix({ title: "Confusion", counts })));
    expect(byClass(doc, "count").map((t) => t.text)).toEqual(["1", "1", "0", "0", "2", "0", "1", "0", "0"]);
    expect(byClass(doc, "axis-label").map((t) => t.text)).toEqual(["Predicted", "True"]);
  });
});

describe("smallMultiples", () => {
  it("lays panels out in rows under one title", () => {
    const panel = lineChart({ title: "p", xLabel: "x", yLabel: "y", series: [{ name: "s", y: [1, 2] }], width: 200, height: 150 });
    const grid = smallMultiples("Five", [panel, panel, panel, panel, panel], 3);
    expect(grid.width).toBe(600);
    expect(grid.height).toBe(36 + 2 * 150);
    expect(byClass(parseXml(toSvg(grid)), "series")).toHaveLength(5);
  });
});

describe("dagFigure", () => {
  it("draws every node of the graph, every edge, and the leaves' names and gradient norms", () => {
    const w = tensor([[3, 4]], { dtype: "float64", requiresGrad: true });
    w.name = "layers.0.weight";
    const x = tensor([[1], [0]], { dtype: "float64" });
    const loss = w.matmul(x).tanh().sum();
    loss.backward(undefined, { retainGraph: true });
    const doc = parseXml(toSvg(dagFigure(loss)));
    const nodes = graphNodes(loss);
    expect(byClass(doc, "node")).toHaveLength(nodes.length);
    expect(byClass(doc, "edge")).toHaveLength(nodes.reduce((n, t) => n + t.inputs.length, 0));
    const parameter = byClass(doc, "parameter")[0]!;
    const lines = byTag(parameter, "text").map((t) => t.text);
    // d tanh(3)/dw = (1 - tanh(3)^2) * x = [0.00987, 0]: its norm is 1 - tanh(3)^2.
    expect(lines).toEqual(["layers.0.weight", "[1,2]", `|grad| ${(1 - Math.tanh(3) ** 2).toPrecision(4)}`]);
    expect(byClass(doc, "op").map((g) => byTag(g, "text")[0]!.text).sort()).toEqual(["matmul", "sum", "tanh"]);
  });
});

describe("dagFigure with extra lines and node indices", () => {
  it("adds the lines under each node's label and marks each node with its index in graphNodes", () => {
    const w = tensor([[3, 4]], { dtype: "float64", requiresGrad: true });
    const loss = w.matmul(tensor([[1], [0]], { dtype: "float64" })).tanh().sum();
    const nodes = graphNodes(loss);
    const plain = parseXml(toSvg(dagFigure(loss)));
    expect(byClass(plain, "node").every((g) => g.attrs["data-node"] === undefined)).toBe(true);
    const doc = parseXml(toSvg(dagFigure(loss, "Graph", { extraLines: (t, i) => (t.op === "tanh" ? [`node ${i}`, "value 0.995"] : []), indexAttributes: true })));
    const groups = byClass(doc, "node");
    expect(groups.map((g) => Number(g.attrs["data-node"])).sort((a, b) => a - b)).toEqual(nodes.map((_, i) => i));
    const tanh = groups.find((g) => byTag(g, "text")[0]!.text === "tanh")!;
    expect(byTag(tanh, "text").map((t) => t.text)).toEqual(["tanh", "[1,1]", `node ${nodes.findIndex((t) => t.op === "tanh")}`, "value 0.995"]);
    // Taller rows make room for the extra lines.
    expect(Number(doc.children[0]!.attrs.height)).toBeGreaterThan(Number(plain.children[0]!.attrs.height));
  });
});

describe("dagFigure layers", () => {
  const block = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 2));
  // Residual adds x + block(x); written block(x) + x, the skip is the last input a depth-first walk meets.
  const skips = {
    "Residual (x + block(x))": (h: Tensor) => new Residual(block).forward(h),
    "block(x) + x": (h: Tensor) => block.forward(h).add(h),
  };
  for (const [name, skip] of Object.entries(skips)) it(`a skip connection, ${name}, points up like every other edge: each input sits below all of its consumers`, () => {
    const loss = skip(new Linear(2, 2).forward(tensor([[1, 2]]))).sum();
    const doc = parseXml(toSvg(dagFigure(loss)));
    const edges = byClass(doc, "edge");
    expect(edges).toHaveLength(graphNodes(loss).reduce((n, t) => n + t.inputs.length, 0));
    for (const edge of edges) {
      // M x1 y1 C ... x2 y2: from the top of the input's box up to the bottom of its consumer's.
      const numbers = edge.attrs.d!.match(/-?[\d.]+/g)!.map(Number);
      const [fromY, toY] = [numbers[1]!, numbers[numbers.length - 1]!];
      expect(fromY, edge.attrs.d).toBeGreaterThan(toY);
    }
  });
});

describe("reportHtml", () => {
  it("inlines the SVGs and escapes text, referring to nothing outside the page", () => {
    const svg = toSvg(lineChart({ title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: [{ name: "train", y: [1, 0.5] }] }));
    const html = reportHtml({ title: "Run <1>", config: { lr: 0.5 }, metrics: { testAccuracy: 0.98 }, figures: [{ title: "Loss", svg }] });
    expect(html).toContain("<title>Run &lt;1&gt;</title>");
    expect(html).toContain(svg.trim());
    const references = [...html.matchAll(/(?:src|href)="([^"]*)"|url\(([^)]*)\)|https?:\/\/[^\s"]+/g)].map((m) => m[0]);
    expect(references).toEqual(["http://www.w3.org/2000/svg"]); // the SVG namespace name, never fetched
    expect(html).toContain('<td class="number">0.980000</td>');
  });
});
