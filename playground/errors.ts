// A setting the playground cannot train with; `control` names the setting, so
// the page can point at it.
import { DagradError } from "../src/index.js";

export class PlaygroundError extends DagradError {
  /** The setting at fault, as a path into PlaygroundConfig: "network.hidden", "data.points", ... */
  readonly control: string;
  constructor(control: string, message: string) {
    super("playground", `${control}: ${message}`);
    this.control = control;
  }
}
