/// <reference lib="dom" />
// Repair (README "Repair"): the repair form for staff with the operator role (others see it
// disabled and why), and the repair log: each repair, who asked for it and how it ended.
import type { RepairLogRow } from "./api.ts";
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { formatRelative, formatTimestamp, truncate } from "./format.ts";
import { repairForm } from "./repair_form.ts";

const head = ["Asked", "Repair", "Entity", "By", "Status", "Progress"];

function who(row: RepairLogRow): string {
  return row.requested_by === "staff"
    ? `staff ${row.requested_by_user?.slice(0, 8) ?? ""}`
    : "operator (secret)";
}

function logRow(row: RepairLogRow): HTMLElement {
  return h(
    "tr",
    { attrs: { "data-repair": row.id } },
    h(
      "td",
      { attrs: { title: formatTimestamp(row.requested_at) } },
      formatRelative(row.requested_at),
    ),
    h("td", {}, row.action),
    h("td", {}, row.entity),
    h("td", {}, who(row)),
    h("td", {}, row.status, row.error ? `: ${truncate(row.error, 300)}` : ""),
    h("td", { class: "mono" }, truncate(JSON.stringify(row.progress), 300)),
  );
}

function logTable(rows: RepairLogRow[]): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, "No repairs yet.");
  return h(
    "table",
    {},
    h("caption", { class: "sr-only" }, "Repairs, newest first"),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { attrs: { scope: "col" } }, c)))),
    h("tbody", {}, ...rows.map(logRow)),
  );
}

export function repairView(ctx: ViewContext): View {
  const formBox = h("div");
  const note = h("p", { class: "muted" });
  const logBox = h("div", { class: "table-wrap" });
  const el = h(
    "div",
    { class: "view" },
    h("h2", {}, "Repair"),
    note,
    formBox,
    h("h3", {}, "Repair log"),
    logBox,
  );

  async function refreshLog() {
    logBox.replaceChildren(logTable(await ctx.api.repairLog()));
  }

  async function refresh(auto: boolean) {
    try {
      // The form is built once: a timer must not reset what someone is filling in.
      if (!auto || formBox.childElementCount === 0) {
        const [operator, status] = await Promise.all([ctx.api.isOperator(), ctx.api.status()]);
        note.textContent = operator
          ? "Re-fetch records from Lightspeed into the tables; nothing is deleted."
          : "Repairs need the operator role (staff_members.operator); ask the operator.";
        formBox.replaceChildren(
          repairForm(
            ctx,
            status.map((row) => row.entity),
            operator,
            () => refreshLog().catch((error) => ctx.notify(errorText(error), "error")),
          ),
        );
      }
      await refreshLog();
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
