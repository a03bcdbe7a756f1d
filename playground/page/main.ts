// The playground page: the settings form, the worker that trains (started
// from the bundle's own text, so the page also works from file://), and the
// pictures redrawn at the display's frame rate from the worker's latest report.
import { CUSTOM_BOX, type ClickedPoint, type PlaygroundConfig, PRESETS, defaultConfig } from "../config.js";
import type { Command, Report } from "../protocol.js";
import type { Frame, Layout, SampleSet } from "../session.js";
import { History } from "./charts.js";
import { type View, cssSize, drawBoundary, drawNetwork, fromCanvas, pointAt } from "./draw.js";
import { byId, controlElement, fillMenus, readConfig, writeConfig } from "./form.js";
import { showGradientCheck, showInspection } from "./inspect.js";

/** The worker's bundle, put here as text by playground/build.ts. */
declare const WORKER_SOURCE: string;

/** How often the charts (SVG) are rebuilt while training; the canvases follow every frame. */
const CHART_MS = 250;

const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" })));
const send = (command: Command) => worker.postMessage(command);

const state = {
  config: defaultConfig(),
  layout: null as Layout | null,
  frame: null as Frame | null,
  running: false,
  history: new History(),
  points: [] as ClickedPoint[],
  selected: null as { set: SampleSet; index: number } | null,
  /** Something new to draw on the canvases, and on the charts. */
  dirty: true,
  chartsDirty: true,
  chartsDrawn: 0,
};

const customView = (): View => {
  const axis = Array.from({ length: 64 }, (_, i) => -CUSTOM_BOX - 0.5 + ((2 * CUSTOM_BOX + 1) * i) / 63);
  return { xs: axis, ys: axis };
};

function setStatus(text: string, kind: "info" | "error" = "info"): void {
  const status = byId("status");
  status.textContent = text;
  status.className = kind;
}

function clearMarks(): void {
  for (const marked of document.querySelectorAll(".invalid")) marked.classList.remove("invalid");
}

/** Start over: a new network from the form's settings (epoch 0). */
function configure(): void {
  state.config = readConfig(state.points);
  state.history.clear();
  state.layout = null;
  state.frame = null;
  state.running = false;
  state.dirty = state.chartsDirty = true;
  clearMarks();
  showRelevantSettings();
  setStatus("");
  updateButtons();
  send({ type: "configure", config: state.config });
}

/** Grey out what the chosen data ignores: the truth tables are four fixed rows; clicked points are used as they are. */
function showRelevantSettings(): void {
  const { dataset } = state.config.data;
  const table = dataset === "xorTable" || dataset === "andTable";
  byId("custom-controls").hidden = dataset !== "custom";
  for (const id of ["samples", "noise"]) byId<HTMLInputElement>(id).disabled = table || dataset === "custom";
  byId<HTMLInputElement>("standardize").disabled = table || dataset === "custom";
  byId<HTMLInputElement>("test-fraction").disabled = table;
}

function updateButtons(): void {
  byId("play").textContent = state.running ? "Pause" : "Play";
}

function showNumbers(): void {
  const last = state.history.epochs.at(-1);
  const format = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));
  byId("epoch").textContent = String(state.frame?.epoch ?? 0);
  byId("train-loss").textContent = format(last?.loss, 4);
  byId("train-accuracy").textContent = format(last?.accuracy, 4);
  byId("test-loss").textContent = format(last?.testLoss, 4);
  byId("test-accuracy").textContent = format(last?.testAccuracy, 4);
}

function onReport(report: Report): void {
  switch (report.type) {
    case "ready":
      state.layout = report.layout;
      state.frame = report.frame;
      state.dirty = state.chartsDirty = true;
      byId("inspect-index").setAttribute("max", String(report.layout.train.labels.length - 1));
      return;
    case "progress":
      state.history.add(report.epochs);
      state.frame = report.frame;
      state.running = report.running;
      state.dirty = state.chartsDirty = true;
      updateButtons();
      if (report.diverged !== null) setStatus(`Training stopped: ${report.diverged}`, "error");
      else if (report.finished === "limit") setStatus(`Stopped at epoch ${report.frame.epoch} (the stop-at setting); raise it or set 0 to go on.`);
      return;
    case "inspection":
      showInspection(report.inspection, state.frame?.epoch ?? 0);
      return;
    case "gradcheck":
      showGradientCheck(report.check);
      return;
    case "bench":
      benchWaiting?.(report);
      return;
    case "error": {
      if (report.command === "bench") benchWaiting?.(report);
      setStatus(report.message, "error");
      const marked = report.control === null
        ? (report.message.startsWith("ClassifierHead") ? [byId("output"), byId("loss")] : [])
        : [controlElement(report.control)].filter((e) => e !== null);
      for (const element of marked) element.classList.add("invalid");
      if (report.command === "configure") state.dirty = true;
      return;
    }
  }
}
worker.onmessage = (event: MessageEvent<Report>) => onReport(event.data);
worker.onerror = (event) => setStatus(`The worker failed: ${event.message}`, "error");

function draw(time: number): void {
  if (state.dirty) {
    state.dirty = false;
    drawBoundary(byId<HTMLCanvasElement>("boundary"), {
      layout: state.layout, frame: state.frame, view: customView(), showTest: byId<HTMLInputElement>("show-test").checked,
      selected: state.selected, pending: state.points,
    });
    drawNetwork(byId<HTMLCanvasElement>("network"), state.layout, state.frame);
    showNumbers();
  }
  if (state.chartsDirty && (!state.running || time - state.chartsDrawn >= CHART_MS)) {
    state.chartsDirty = false;
    state.chartsDrawn = time;
    const charts = state.history.charts(state.layout === null ? 0 : state.layout.sizes.length - 1);
    for (const [id, svg] of Object.entries(charts)) byId(id).innerHTML = state.history.epochs.length === 0 ? "" : svg;
  }
  requestAnimationFrame(draw);
}

function inspect(): void {
  const set = byId<HTMLSelectElement>("inspect-set").value as SampleSet;
  const index = Number(byId<HTMLInputElement>("inspect-index").value);
  state.selected = { set, index };
  state.dirty = true;
  send({ type: "inspect", set, index });
}

function onCanvasClick(event: MouseEvent): void {
  const canvas = byId<HTMLCanvasElement>("boundary");
  const size = cssSize(canvas).width;
  const rect = canvas.getBoundingClientRect();
  const [px, py] = [((event.clientX - rect.left) / rect.width) * size, ((event.clientY - rect.top) / rect.height) * size];
  if (state.config.data.dataset === "custom") {
    const view = state.layout?.boundary ?? customView();
    const [x, y] = fromCanvas(view, size, px, py);
    if (event.shiftKey) {
      if (state.points.length === 0) return;
      const distance = (p: ClickedPoint) => Math.hypot(p.x - x, p.y - y);
      const nearest = state.points.reduce((best, p) => (distance(p) < distance(best) ? p : best));
      state.points = state.points.filter((p) => p !== nearest);
    } else if (Math.abs(x) <= CUSTOM_BOX && Math.abs(y) <= CUSTOM_BOX) {
      state.points = [...state.points, { x, y, label: Number(byId<HTMLSelectElement>("custom-class").value) }];
    }
    configure();
    return;
  }
  if (state.layout === null) return;
  const hit = pointAt(state.layout, size, px, py, byId<HTMLInputElement>("show-test").checked);
  if (hit === null) return;
  byId<HTMLSelectElement>("inspect-set").value = hit.set;
  byId<HTMLInputElement>("inspect-index").value = String(hit.index);
  inspect();
}

function loadPreset(id: string): void {
  const preset = PRESETS.find((p) => p.id === id)!;
  writeConfig(preset.config);
  byId("preset-note").textContent = preset.note;
  state.points = [];
  configure();
}

/** The settings that change the run in place; every other one starts a new run. */
function onSettingsChange(event: Event): void {
  const id = (event.target as HTMLElement).id;
  if (id === "lr" && state.layout !== null) {
    const lr = Number(byId<HTMLInputElement>("lr").value);
    state.config.training.lr = lr;
    send({ type: "learningRate", lr });
    return;
  }
  if (id === "custom-class") return;
  // Edited by hand: no longer the preset's setup.
  byId<HTMLSelectElement>("preset").value = "";
  byId("preset-note").textContent = "";
  configure();
}

let benchWaiting: ((report: Report) => void) | null = null;

/** For npm run bench:browser: train a fresh run of `config` in this page's worker, timed there. */
function bench(config: PlaygroundConfig, epochs: number): Promise<{ epochs: number; ms: number }> {
  return new Promise((resolve, reject) => {
    benchWaiting = (report) => {
      benchWaiting = null;
      if (report.type === "bench") resolve({ epochs: report.epochs, ms: report.ms });
      else reject(new Error(report.type === "error" ? report.message : `unexpected ${report.type}`));
    };
    send({ type: "bench", config, epochs });
  });
}
(window as unknown as { dagradPlayground: { bench: typeof bench } }).dagradPlayground = { bench };

fillMenus();
const presetMenu = byId<HTMLSelectElement>("preset");
presetMenu.replaceChildren(new Option("(your own settings)", ""), ...PRESETS.map((p) => new Option(p.title, p.id)));
presetMenu.addEventListener("change", () => { if (presetMenu.value !== "") loadPreset(presetMenu.value); });
byId("settings").addEventListener("change", onSettingsChange);
byId("settings").addEventListener("submit", (event) => event.preventDefault());
byId("reset").addEventListener("click", () => { state.points = state.config.data.points; configure(); });
byId("play").addEventListener("click", () => send({ type: state.running ? "pause" : "play" }));
byId("step").addEventListener("click", () => send({ type: "step" }));
byId("speed").addEventListener("change", () => send({ type: "speed", epochsPerSecond: Number(byId<HTMLSelectElement>("speed").value) }));
byId("show-test").addEventListener("change", () => { state.dirty = true; });
byId("clear-points").addEventListener("click", () => { state.points = []; configure(); });
byId("inspect-run").addEventListener("click", inspect);
byId("gradcheck-run").addEventListener("click", () => {
  send({ type: "gradcheck", set: byId<HTMLSelectElement>("inspect-set").value as SampleSet, index: Number(byId<HTMLInputElement>("inspect-index").value) });
});
byId("boundary").addEventListener("click", onCanvasClick);
presetMenu.value = PRESETS[0]!.id;
loadPreset(PRESETS[0]!.id);
requestAnimationFrame(draw);
