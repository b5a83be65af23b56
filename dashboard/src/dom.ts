/// <reference lib="dom" />
// The only way the dashboard creates markup: elements through DOM APIs, every value as text.
// There is deliberately no helper that accepts HTML, no `style` attribute, no event-handler
// attributes, and links only to http(s) URLs.
import { safeHttpUrl } from "./format.ts";

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Plain attributes; names are checked so no on* handler or style can slip through. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

const forbiddenAttribute = /^(on|style$|srcdoc$|href$|src$|xlink:href$|formaction$|action$)/i;

function setAttrs(el: Element, attrs: Props["attrs"]) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (forbiddenAttribute.test(name)) throw new Error(`Attribute "${name}" is not allowed here`);
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
}

export function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Creates an HTML element; strings and numbers become text nodes, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  setAttrs(el, props.attrs);
  for (const [event, listener] of Object.entries(props.on ?? {})) {
    el.addEventListener(event, listener as EventListener);
  }
  append(el, children);
  return el;
}

const svgNs = "http://www.w3.org/2000/svg";

/** Creates an SVG element with numeric/presentational attributes only. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNs, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * A link, only when the URL is http(s); otherwise the text alone. The check lives here, not in
 * callers, so no caller can ever produce a javascript: or data: link.
 */
export function link(url: unknown, text: string): HTMLElement {
  const href = safeHttpUrl(url);
  if (!href) return h("span", {}, text);
  const a = h("a", { attrs: { rel: "noopener noreferrer", target: "_blank" } }, text);
  a.href = href;
  return a;
}

export function clear(el: Element) {
  el.replaceChildren();
}
