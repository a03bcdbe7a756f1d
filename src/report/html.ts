// report.html: one page with a run's pictures, configuration and metrics. The
// SVGs are inlined and the CSS is in the page, so it opens from disk with no
// network.
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

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { margin-bottom: 4px; } .subtitle { color: #666; margin-top: 0; }
.facts { display: flex; gap: 32px; flex-wrap: wrap; }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 14px; }
td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; } th { background: #f4f4f4; }
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
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(options.title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeXml(options.title)}</h1>
${options.subtitle ? `<p class="subtitle">${escapeXml(options.subtitle)}</p>` : ""}
<div class="facts">${keyValueTable("Metrics", options.metrics)}${keyValueTable("Configuration", options.config)}</div>
${(options.tables ?? []).map(table).join("\n")}
<h2>Pictures</h2>
<div class="figures">
${figures}
</div>
</body></html>
`;
}
