// One rule for what a classifier's outputs mean: last-layer width, targets, classes and probabilities.
import { ClassifierHead, HeadError, headLayout, tensor } from "dagrad";

// Two classes, a logit out of an identity layer, trained with bceWithLogits.
const head = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });
const logits = tensor([[2], [-0.5], [0]]);
console.log(`last layer ${head.outputs}, targets ${head.targets}, outputs read as ${head.reading}`);
console.log(`classes [${head.classify(logits).join(", ")}], p(class 1) [${Array.from(head.probabilities(logits)!, (p) => p.toFixed(4)).join(", ")}]`);
console.log("targets", JSON.stringify(head.encode(tensor([1, 0, 1])).toArray()));

// Three classes through a softmax trained with a squared error: one-hot targets, outputs are probabilities.
console.log(headLayout("softmax", "mse", 3));
// A squared error on an identity output gives values, which are never called probabilities.
console.log(new ClassifierHead({ output: "identity", loss: "mse", classes: 2 }).probabilities(tensor([[0.9]])));

try {
  new ClassifierHead({ output: "sigmoid", loss: "crossEntropy", classes: 2 });
} catch (e) {
  if (!(e instanceof HeadError)) throw e;
  console.log(`${e.name}: ${e.message}`);
}
