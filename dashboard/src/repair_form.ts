/// <reference lib="dom" />
// The repair form (README "Repair"): which repair, of what, and the button that runs it through
// the repair function with the staff member's JWT. A repair that does not fit one invocation is
// continued, call after call, until it is done; the result line says how it went.
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { dateField, type Field, selectField } from "./form_fields.ts";
import { formatNumber } from "./format.ts";

const actions: [string, string][] = [
  ["record", "Re-fetch one record"],
  ["sales_range", "Re-fetch sales of local dates"],
  ["rejects", "Retry rejected records"],
  ["reread", "Re-read an entity from the beginning"],
];

interface RepairFields {
  action: HTMLSelectElement;
  entity: Field<HTMLSelectElement>;
  id: Field<HTMLInputElement>;
  from: Field<HTMLInputElement>;
  to: Field<HTMLInputElement>;
}

/** The function's body for what the form says. */
export function repairRequest(values: {
  action: string;
  entity: string;
  id: string;
  from: string;
  to: string;
}): Record<string, unknown> {
  if (values.action === "sales_range") {
    return { action: values.action, from: values.from, to: values.to };
  }
  if (values.action === "record") {
    return { action: values.action, entity: values.entity, id: values.id.trim() };
  }
  return { action: values.action, entity: values.entity };
}

/** One line for a step's reply. */
export function repairResultText(status: number, body: Record<string, unknown> | null): string {
  const error = typeof body?.error === "string" ? body.error : null;
  if (status === 403) return "Not allowed: repairs need the operator role";
  if (status >= 400 || !body) return `Failed (HTTP ${status})${error ? `: ${error}` : ""}`;
  const progress = (body.progress ?? {}) as Record<string, unknown>;
  const counts = Object.entries(progress)
    .filter(([, v]) => typeof v === "number" || typeof v === "boolean")
    .map(([k, v]) => `${k.replaceAll("_", " ")} ${typeof v === "number" ? formatNumber(v) : v}`)
    .join(", ");
  return `Repair ${body.repair_id}: ${body.status}${counts ? ` (${counts})` : ""}` +
    (error ? `: ${error}` : "");
}

function fieldsFor(entities: string[]): RepairFields {
  const action = h("select", { id: "repair-action" });
  for (const [value, label] of actions) action.append(h("option", { attrs: { value } }, label));
  const entity = selectField("repair-entity", "Entity", entities, "Choose an entity");
  const id = {
    el: h("input", { id: "repair-id", attrs: { type: "text", maxlength: 100 } }),
    wrap: h("div", { class: "field" }),
  };
  id.wrap.append(h("label", { attrs: { for: "repair-id" } }, "Record id"), id.el);
  return {
    action,
    entity,
    id,
    from: dateField("repair-from", "From (store's local date)"),
    to: dateField("repair-to", "To (included)"),
  };
}

/** Only the fields the chosen repair takes (a .field's display would override `hidden`). */
function fieldsOf(fields: RepairFields): HTMLElement[] {
  const action = fields.action.value;
  if (action === "sales_range") return [fields.from.wrap, fields.to.wrap];
  return action === "record" ? [fields.entity.wrap, fields.id.wrap] : [fields.entity.wrap];
}

/** Runs the repair to its end (continuing it while it says more), reporting each step. */
async function runRepair(ctx: ViewContext, body: Record<string, unknown>, result: HTMLElement) {
  let reply = await ctx.api.invoke("repair", body);
  result.textContent = repairResultText(reply.status, reply.body);
  while (reply.status === 200 && reply.body?.more === true) {
    reply = await ctx.api.invoke("repair", { continue: reply.body.repair_id });
    result.textContent = repairResultText(reply.status, reply.body);
  }
  const ok = reply.status < 400 && reply.body?.status !== "failed";
  result.className = `result ${ok ? "ok" : "bad"}`;
}

export function repairForm(
  ctx: ViewContext,
  entities: string[],
  operator: boolean,
  afterRun: () => Promise<void>,
): HTMLFormElement {
  const fields = fieldsFor(entities);
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const run = h("button", { attrs: { type: "submit" } }, "Run repair");
  const chosen = h("div");
  const controls = h(
    "fieldset",
    { attrs: { disabled: !operator } },
    h(
      "div",
      { class: "field" },
      h("label", { attrs: { for: "repair-action" } }, "Repair"),
      fields.action,
    ),
    chosen,
    run,
  );
  fields.action.addEventListener("change", () => chosen.replaceChildren(...fieldsOf(fields)));
  chosen.replaceChildren(...fieldsOf(fields));
  const form = h("form", { class: "repair-form" }, controls, result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = repairRequest({
      action: fields.action.value,
      entity: fields.entity.el.value,
      id: fields.id.el.value,
      from: fields.from.el.value,
      to: fields.to.el.value,
    });
    run.disabled = true;
    result.className = "result";
    result.textContent = "Repairing…";
    try {
      await runRepair(ctx, body, result);
    } catch (error) {
      result.className = "result bad";
      result.textContent = errorText(error);
    } finally {
      run.disabled = false;
      await afterRun();
    }
  });
  return form;
}
