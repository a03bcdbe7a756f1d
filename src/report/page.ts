// The shell of every HTML page dagrad writes (report.html, explain.html): one
// document with its CSS inline and no script, so it opens from disk with no
// network; the shared look (type, width, title, tables) is set here once.
import { escapeXml } from "./svg.js";

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { margin-bottom: 4px; } .subtitle { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 14px; }
td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; } th { background: #f4f4f4; }
`;

export interface PageOptions {
  title: string;
  /** One line under the title. */
  subtitle?: string;
  /** CSS for this page's own parts, after the shared rules. */
  style: string;
  /** The page's content after its title and subtitle. */
  body: string;
}

export function htmlPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(options.title)}</title>
<style>${STYLE}${options.style}</style></head>
<body>
<h1>${escapeXml(options.title)}</h1>
${options.subtitle ? `<p class="subtitle">${escapeXml(options.subtitle)}</p>` : ""}
${options.body}
</body></html>
`;
}
