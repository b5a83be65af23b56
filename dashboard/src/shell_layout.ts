/// <reference lib="dom" />
// The signed-in page's frame: skip link, top bar (sections, account, sign-out), toolbar
// (auto-refresh, last update, refresh) and the notice line above the current view.
import { h } from "./dom.ts";
import { routes } from "./routes.ts";

export interface ShellParts {
  notice: HTMLElement;
  updated: HTMLElement;
  auto: HTMLInputElement;
  refreshButton: HTMLButtonElement;
  signOut: HTMLButtonElement;
  links: HTMLAnchorElement[];
  viewHost: HTMLElement;
}

function topbar(nav: HTMLElement, email: string, signOut: HTMLElement): HTMLElement {
  return h(
    "header",
    { class: "topbar" },
    h(
      "div",
      { class: "brand" },
      h("span", { class: "logo", attrs: { "aria-hidden": "true" } }),
      "Lightspeed sync",
    ),
    nav,
    h("div", { class: "account" }, h("span", { class: "who" }, email), signOut),
  );
}

function toolbar(parts: ShellParts, refreshSeconds: number): HTMLElement {
  return h(
    "div",
    { class: "toolbar" },
    h(
      "div",
      { class: "field checkbox" },
      parts.auto,
      h(
        "label",
        { attrs: { for: "auto-refresh" } },
        `Auto-refresh every ${refreshSeconds || 30} s`,
      ),
    ),
    parts.updated,
    parts.refreshButton,
  );
}

/** Replaces the page with the frame and returns the parts the shell drives. */
export function shellLayout(root: HTMLElement, email: string, refreshSeconds: number): ShellParts {
  const nav = h("nav", { attrs: { "aria-label": "Sections" } });
  const parts: ShellParts = {
    notice: h("div", { class: "notice", attrs: { role: "status", "aria-live": "polite" } }),
    updated: h("span", { class: "muted", attrs: { "aria-live": "off" } }),
    auto: h("input", { id: "auto-refresh", attrs: { type: "checkbox" } }),
    refreshButton: h("button", { class: "secondary", attrs: { type: "button" } }, "Refresh"),
    signOut: h("button", { class: "secondary", attrs: { type: "button" } }, "Sign out"),
    links: routes.map(([route, label]) => {
      const a = h("a", { attrs: { "data-route": route } }, label);
      a.href = `#/${route}`;
      nav.append(a);
      return a;
    }),
    viewHost: h("main", { id: "main", attrs: { tabindex: "-1" } }),
  };
  parts.auto.checked = refreshSeconds > 0;
  root.replaceChildren(
    h("button", {
      class: "skip",
      attrs: { type: "button" },
      on: { click: () => parts.viewHost.focus() },
    }, "Skip to content"),
    topbar(nav, email, parts.signOut),
    toolbar(parts, refreshSeconds),
    parts.notice,
    parts.viewHost,
  );
  return parts;
}
