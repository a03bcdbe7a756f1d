// dagrad/node: what reads and writes files, for Node. Everything else is in
// "dagrad", which runs wherever JavaScript runs.
export { saveModule, loadModule } from "./module-files.js";
