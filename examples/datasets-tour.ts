// Every dataset in one line each, with what it returns.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Tensor, and, blobs, circles, grid, loadCsv, moons, or, spirals, xor } from "dagrad";
import { MNIST_PIXELS, loadCsvFile, mnist, mnistDigits } from "dagrad/node";

const shape = (t: Tensor) => `[${t.shape.join(",")}]`;
const shapes = ({ x, y }: { x: Tensor; y: Tensor }) => `x ${shape(x)}, y ${shape(y)}`;

console.log("xor", JSON.stringify(xor().y.toArray()));
console.log("and", JSON.stringify(and().y.toArray()));
console.log("or ", JSON.stringify(or().y.toArray()));
console.log("moons", shapes(moons({ n: 300, noise: 0.2, seed: 42 })));
console.log("circles", shapes(circles({ n: 200, noise: 0.05, factor: 0.5, seed: 1 })));
console.log("spirals", shapes(spirals({ n: 300, classes: 3, noise: 0.05, seed: 1 })));
const b = blobs({ n: 150, centers: 3, std: 1, seed: 1 });
console.log("blobs", shapes(b), "centers", shape(b.centers));
const g = grid(moons({ n: 300, noise: 0.2, seed: 42 }).x);
console.log("grid", "points", shape(g.points), "xs from", g.xs[0]!.toFixed(3), "to", g.xs.at(-1)!.toFixed(3));
const digits = mnist({ seed: 0 });
console.log("mnist", "train", shapes(digits.train), "test", shapes(digits.test));
const { images, labels, count } = mnistDigits();   // the package's 10,000 digits in file order
const seven = labels.indexOf(7);
console.log("mnistDigits", count, "digits; the first 7's pixel sum", images.subarray(seven * MNIST_PIXELS, (seven + 1) * MNIST_PIXELS).reduce((a: number, b: number) => a + b, 0).toFixed(3));

const folder = mkdtempSync(join(tmpdir(), "dagrad-csv-"));
const path = join(folder, "iris.csv");
writeFileSync(path, "sepal,species,petal\n5.1,0,1.4\n7.0,1,4.7\n6.3,2,6.0\n");
const iris = loadCsvFile(path, { header: true, labelColumn: "species" });
console.log("loadCsvFile", `x ${shape(iris.x)}, y ${JSON.stringify(iris.y.toArray())}, featureNames ${JSON.stringify(iris.featureNames)}`);
rmSync(folder, { recursive: true });
const fromText = loadCsv('x,y,label\n1.5,"2",0\n3,4,1\n', { header: true });   // the same, from text (a page's fetch or file input)
console.log("loadCsv", `x ${JSON.stringify(fromText.x.toArray())}, y ${JSON.stringify(fromText.y.toArray())}`);
