// Image grids, confusion matrices, small multiples, the DAG picture and the HTML page.
import { describe, expect, it } from "vitest";
import { type Tensor, graphNodes, tensor } from "../../src/autograd/index.js";
import { Linear, Residual, Sequential, Tanh } from "../../src/nn/index.js";
import { bandEdges, binCounts, colorBar, extent, confusionCounts, confusionMatrix, contourMap, dagFigure, explainHtml, histogram, imageGrid, lineChart, reportHtml, scatterPlot, sequential, sharedDomains, smallMultiples, toSvg } from "../../src/report/index.js";
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

describe("imageGrid's signed scale", () => {
  it("is one scale for all images, read off a colour bar: equal values get equal colours whatever each image's range", () => {
    const small = [0.1, -0.1, 0, 0.05];
    const large = [0.1, -1, 1, 0];
    const doc = parseXml(toSvg(imageGrid({ title: "w", images: [small, large], imageWidth: 2, imageHeight: 2, colormap: "signed", scaleLabel: "weight" })));
    const colourOf = (image: number, cell: number) => {
      // Each colour is one path of runs; find the one covering this cell's position in the image.
      const [col, row] = [cell % 2, Math.floor(cell / 2)];
      return byTag(byClass(doc, "image")[image]!, "path").find((p) => p.attrs.d!.split("M").some((run) => run.startsWith(`${col} ${row}h`)))!.attrs.fill;
    };
    expect(colourOf(0, 0)).toBe(colourOf(1, 0)); // 0.1 in both
    expect(colourOf(0, 2)).toBe(colourOf(1, 3)); // 0 in both
    expect(colourOf(1, 2)).not.toBe(colourOf(0, 0)); // 1 is far redder than 0.1
    expect(byClass(doc, "colorbar-label").map((t) => t.text)).toEqual(["1", "0", "-1"]);
    expect(byClass(doc, "colorbar-title")[0]!.text).toBe("weight");
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

describe("scatterPlot", () => {
  it("draws each point in its class's colour, where its coordinates say, and panels can share their axes", () => {
    const train = { x: [0, 1, 2], y: [0, 1, 4], label: [0, 1, 1] };
    const test = { x: [3], y: [-1], label: [0] };
    const domains = sharedDomains([train, test]);
    expect(domains).toEqual({ xDomain: [0, 3], yDomain: [-1, 4] });
    const doc = parseXml(toSvg(scatterPlot({ title: "Training data", points: train, ...domains })));
    const points = byClass(doc, "point");
    expect(points.map((p) => p.attrs.class)).toEqual(["point class-0", "point class-1", "point class-1"]);
    const [a, b, c] = points.map((p) => [Number(p.attrs.cx), Number(p.attrs.cy)] as const);
    expect(b![0] - a![0]).toBeCloseTo(c![0] - b![0], 6); // x evenly spaced
    expect(a![1]).toBeGreaterThan(b![1]); // larger y higher up
    expect(points[1]!.attrs.fill).toBe(points[2]!.attrs.fill);
    expect(points[0]!.attrs.fill).not.toBe(points[1]!.attrs.fill);
    expect(byClass(doc, "legend-label").map((t) => t.text)).toEqual(["Class 0", "Class 1"]);
    const testDoc = parseXml(toSvg(scatterPlot({ title: "Test data", points: test, ...domains })));
    expect(byClass(testDoc, "tick-label").map((t) => t.text)).toEqual(byClass(doc, "tick-label").map((t) => t.text));
  });
});

describe("contourMap and colorBar", () => {
  const scale = { domain: [0.01, 10] as const, log: true, color: sequential, bands: 3 };

  it("puts band edges evenly on a log scale and draws lines only where the field crosses one", () => {
    expect(bandEdges(scale).map((v) => Number(v.toPrecision(6)))).toEqual([0.1, 1]);
    const xs = [-1, 0, 1];
    // A bowl: 0.05 at the centre, 5 at the corners, crossing both edges.
    const bowl = xs.flatMap((y) => xs.map((x) => 0.05 * 100 ** ((x * x + y * y) / 2)));
    const doc = parseXml(toSvg(contourMap({ title: "bowl", xs, ys: xs, values: bowl, scale, marker: [0, 0] })));
    expect(byClass(doc, "contour")[0]!.attrs.d!.match(/M/g)!.length).toBeGreaterThanOrEqual(8);
    const flat = parseXml(toSvg(contourMap({ title: "flat", xs, ys: xs, values: new Array(9).fill(0.5), scale })));
    expect(byClass(flat, "contour")[0]!.attrs.d).toBe("");
    expect(byClass(doc, "marker")).toHaveLength(1);
  });

  it("labels the colour bar in decades for a log scale", () => {
    const doc = parseXml(toSvg(colorBar(scale, "Loss")));
    expect(byClass(doc, "colorbar-label").map((t) => t.text)).toEqual(["1e-2", "1e-1", "1e0", "1e1"]);
    expect(byClass(doc, "colorbar-title")[0]!.text).toBe("Loss");
  });
});

describe("histogram", () => {
  it("counts every finite value once in equal bins, the maximum in the last", () => {
    const { edges, counts } = binCounts([0, 0.1, 0.5, 0.99, 1, NaN], 4);
    expect(edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(counts).toEqual([2, 0, 1, 2]);
    const doc = parseXml(toSvg(histogram({ title: "w", values: [1, 2, 2, 3], bins: 3 })));
    const heights = byClass(doc, "bar").map((b) => Number(b.attrs.height));
    expect(heights[1]! / heights[0]!).toBeCloseTo(2, 6);
  });

  it("bins a first layer of MNIST weights (200,704 values) without overflowing the call stack", () => {
    const values = Float32Array.from({ length: 784 * 256 }, (_, i) => (i % 1000) / 1000 - 0.5);
    const { edges, counts } = binCounts(values, 10);
    expect(edges[0]).toBeCloseTo(-0.5, 6);
    expect(edges[10]).toBeCloseTo(0.499, 6);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
  });
});

describe("extent and sharedDomains", () => {
  it("find the range of more values than a call can take as arguments, skipping NaN", () => {
    const many = Array.from({ length: 300_000 }, (_, i) => Math.sin(i));
    many[123] = NaN;
    many[7] = -3;
    many[299_999] = 5;
    expect(extent(many)).toEqual([-3, 5]);
    expect(extent([])).toEqual([Infinity, -Infinity]);
    expect(sharedDomains([{ x: many, y: many, label: many.map(() => 0) }])).toEqual({ xDomain: [-4, 6], yDomain: [-4, 6] }); // widened to ticks 2 apart;
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

  it("shares its page shell with explain.html: the same head, title, subtitle and base look, then each page's own rules", () => {
    const report = reportHtml({ title: "A & B", subtitle: "s", config: {}, metrics: {}, figures: [] });
    const explain = explainHtml({ title: "A & B", subtitle: "s", note: "n", setup: [], sections: [], summary: "done" });
    // Up to where each page's own CSS begins (its first rule names a class of that page).
    const shell = (html: string) => html.slice(0, html.search(/\n\.(facts|note) \{/));
    expect(shell(report)).toContain("<title>A &amp; B</title>");
    expect(shell(report)).toBe(shell(explain));
    for (const html of [report, explain]) expect(html).toContain('<h1>A &amp; B</h1>\n<p class="subtitle">s</p>\n');
  });

  it("gives a figure wider than a grid cell a row of its own", () => {
    const narrow = toSvg(lineChart({ title: "n", xLabel: "x", yLabel: "y", series: [{ name: "a", y: [1, 2] }] }));
    const wide = toSvg(smallMultiples("w", [0, 1, 2].map(() => lineChart({ title: "p", xLabel: "x", yLabel: "y", series: [{ name: "s", y: [1, 2] }] })), 3));
    const html = reportHtml({ title: "t", config: {}, metrics: {}, figures: [{ title: "n", svg: narrow }, { title: "w", svg: wide }] });
    expect([...html.matchAll(/<figure( class="wide")?>/g)].map((m) => m[1] !== undefined)).toEqual([false, true]);
  });
});
