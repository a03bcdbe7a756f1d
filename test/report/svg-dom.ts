// A small XML reader for the SVGs the tests inspect: it checks that tags nest
// and close, and returns every element with its attributes, text and parent.
export interface SvgElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  parent: SvgElement | null;
  children: SvgElement[];
}

const TOKEN = /<\/?([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|<!doctype[^>]*>|([^<]+)/gi;

function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

export function parseXml(source: string): SvgElement {
  const root: SvgElement = { tag: "#root", attrs: {}, text: "", parent: null, children: [] };
  let current = root;
  for (const m of source.matchAll(TOKEN)) {
    const [whole, tag, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      current.text += unescape(text);
      continue;
    }
    if (!tag) continue; // prolog, comment or doctype
    if (whole.startsWith("</")) {
      if (current.tag !== tag) throw new Error(`</${tag}> closes <${current.tag}>`);
      current = current.parent!;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? "").matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
    const element: SvgElement = { tag, attrs, text: "", parent: current, children: [] };
    current.children.push(element);
    if (!selfClosing) current = element;
  }
  if (current !== root) throw new Error(`<${current.tag}> is never closed`);
  return root;
}

export function all(node: SvgElement, predicate: (e: SvgElement) => boolean): SvgElement[] {
  const found: SvgElement[] = [];
  const stack = [...node.children].reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (predicate(e)) found.push(e);
    stack.push(...[...e.children].reverse());
  }
  return found;
}

export const byClass = (node: SvgElement, className: string): SvgElement[] =>
  all(node, (e) => (e.attrs.class ?? "").split(" ").includes(className));

export const byTag = (node: SvgElement, tag: string): SvgElement[] => all(node, (e) => e.tag === tag);

/** The numbers of a path's "M x y L x y ..." data, as points. */
export function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
