/// <reference lib="dom" />
// Labelled form fields shared by the history filters and the settings forms: each returns the
// control (to read and set) and the labelled wrapper (to place in a form).
import { h } from "./dom.ts";

export interface Field<T extends HTMLElement> {
  el: T;
  wrap: HTMLDivElement;
}

function labelled<T extends HTMLElement>(id: string, label: string, el: T): Field<T> {
  return { el, wrap: h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), el) };
}

/** A select whose first, empty-valued option stands for "no filter". */
export function selectField(
  id: string,
  label: string,
  options: string[],
  allLabel: string,
): Field<HTMLSelectElement> {
  const el = h("select", { id }, h("option", { attrs: { value: "" } }, allLabel));
  for (const option of options) el.append(h("option", { attrs: { value: option } }, option));
  return labelled(id, label, el);
}

export function dateField(id: string, label: string): Field<HTMLInputElement> {
  return labelled(id, label, h("input", { id, attrs: { type: "date" } }));
}

/** A required whole number between min and max; null shows as empty. */
export function numberField(
  id: string,
  label: string,
  value: number | null,
  min: number,
  max: number,
): Field<HTMLInputElement> {
  const el = h("input", {
    id,
    attrs: { type: "number", min, max, step: 1, required: true, inputmode: "numeric" },
  });
  el.value = value === null ? "" : String(value);
  return labelled(id, label, el);
}
