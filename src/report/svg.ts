// The smallest SVG vocabulary the charts share: escaping, elements, a figure
// (a sized piece of markup that can stand alone or sit inside a bigger figure).
// No ids are used anywhere, so many figures can be inlined in one HTML page.

/** A drawn piece of SVG markup and the box it occupies, origin at its top left. */
export interface Figure {
  width: number;
  height: number;
  body: string;
}

export const FONT = "Helvetica, Arial, sans-serif";

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Coordinates with two decimals: enough for a screen, small files. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

type AttrValue = string | number | undefined;

export function element(tag: string, attrs: Record<string, AttrValue>, children?: string): string {
  const attrText = Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === "number" ? px(value) : escapeXml(value)}"`)
    .join("");
  return children === undefined ? `<${tag}${attrText}/>` : `<${tag}${attrText}>${children}</${tag}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  weight?: "normal" | "bold";
  rotate?: number;
  fill?: string;
  className?: string;
  /** Vertical alignment relative to y. */
  baseline?: "auto" | "middle" | "hanging";
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const rotate = options.rotate ? `rotate(${options.rotate} ${px(x)} ${px(y)})` : undefined;
  return element("text", {
    x, y,
    "font-size": options.size ?? 12,
    "text-anchor": options.anchor ?? "start",
    "font-weight": options.weight === "bold" ? "bold" : undefined,
    "dominant-baseline": options.baseline && options.baseline !== "auto" ? options.baseline : undefined,
    fill: options.fill ?? "#222",
    transform: rotate,
    class: options.className,
  }, escapeXml(content));
}

/** Rough width of a label in pixels (no font metrics on the server: 0.6 em per character). */
export function textWidth(content: string, size = 12): number {
  return content.length * size * 0.6;
}

/** Place a figure at (x, y) inside another one. */
export function place(figure: Figure, x: number, y: number): string {
  return element("g", { transform: `translate(${px(x)} ${px(y)})` }, figure.body);
}

/** A standalone SVG document with a white background. */
export function toSvg(figure: Figure): string {
  const header = `<svg xmlns="http://www.w3.org/2000/svg" width="${px(figure.width)}" height="${px(figure.height)}" viewBox="0 0 ${px(figure.width)} ${px(figure.height)}" font-family="${FONT}">`;
  const background = element("rect", { width: figure.width, height: figure.height, fill: "#fff" });
  return `${header}${background}${figure.body}</svg>\n`;
}
