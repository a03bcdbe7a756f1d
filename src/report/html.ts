// report.html: one page with a run's pictures, configuration and metrics, the
// SVGs inlined (the page shell is page.ts).
import { htmlPage } from "./page.js";
import { escapeXml } from "./svg.js";

export interface ReportSection {
  title: string;
  /** A standalone SVG document (from toSvg). */
  svg: string;
  caption?: string;
}

export interface ReportTable {
  title: string;
  header: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}

export interface ReportOptions {
  title: string;
  /** One line under the title: what was run, when. */
  subtitle?: string;
  config: Record<string, unknown>;
  metrics: Record<string, number | string>;
  figures: readonly ReportSection[];
  tables?: readonly ReportTable[];
}

const STYLE = `.facts { display: flex; gap: 32px; flex-wrap: wrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; align-items: start; }
figure { margin: 0; border: 1px solid #e4e4e4; padding: 8px; background: #fff; }
figure.wide { grid-column: 1 / -1; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: 13px; margin-top: 4px; max-width: 760px; }
`;

function cell(value: unknown): string {
  if (typeof value === "number") {
    const shown = Number.isInteger(value) ? String(value) : value.toPrecision(6);
    return `<td class="number">${escapeXml(shown)}</td>`;
  }
  return `<td>${escapeXml(typeof value === "string" ? value : JSON.stringify(value))}</td>`;
}

function keyValueTable(title: string, entries: Record<string, unknown>): string {
  const rows = Object.entries(entries).map(([k, v]) => `<tr><th>${escapeXml(k)}</th>${cell(v)}</tr>`).join("");
  return `<section><h2>${escapeXml(title)}</h2><table>${rows}</table></section>`;
}

function table(t: ReportTable): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("");
  return `<section><h2>${escapeXml(t.title)}</h2><table>${head}${body}</table></section>`;
}

/** Figures drawn wider than a grid cell (small multiples, several panels) get a row of their own, so their text is not shrunk. */
const WIDE = 600;

function svgWidth(svg: string): number {
  return Number(/<svg [^>]*\bwidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
}

export function reportHtml(options: ReportOptions): string {
  const figures = options.figures.map((f) =>
    `<figure${svgWidth(f.svg) > WIDE ? ' class="wide"' : ""}>${f.svg.trim()}<figcaption><b>${escapeXml(f.title)}</b>${f.caption ? ` — ${escapeXml(f.caption)}` : ""}</figcaption></figure>`,
  ).join("\n");
  const body = `<div class="facts">${keyValueTable("Metrics", options.metrics)}${keyValueTable("Configuration", options.config)}</div>
${(options.tables ?? []).map(table).join("\n")}
<h2>Pictures</h2>
<div class="figures">
${figures}
</div>`;
  return htmlPage({ title: options.title, subtitle: options.subtitle, style: STYLE, body });
}
