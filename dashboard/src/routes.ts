/// <reference lib="dom" />
// The dashboard's sections: their hash routes (#/<name>[/<entity>]), their labels, and the view
// each one opens. Unknown routes open the overview.
import type { View, ViewContext } from "./context.ts";
import { alertsView } from "./view_alerts.ts";
import { historyView } from "./view_history.ts";
import { overviewView } from "./view_overview.ts";
import { rejectsView } from "./view_rejects.ts";
import { repairView } from "./view_repair.ts";
import { settingsView } from "./view_settings.ts";

export const routes = [
  ["overview", "Overview"],
  ["history", "History"],
  ["rejects", "Rejected records"],
  ["alerts", "Alerts"],
  ["repair", "Repair"],
  ["settings", "Settings"],
] as const;

export interface Route {
  name: string;
  label: string;
  /** The entity a route names, e.g. #/rejects/products. */
  param?: string;
  /** Same key, same view: a hash change that keeps it does not rebuild the view. */
  key: string;
}

export function parseRoute(hash: string): Route {
  const [name, arg] = hash.replace(/^#\/?/, "").split("/");
  const known = routes.find(([r]) => r === name) ?? routes[0];
  const param = arg ? decodeURIComponent(arg) : undefined;
  return { name: known[0], label: known[1], param, key: `${known[0]}/${param ?? ""}` };
}

export function viewFor(route: Route, ctx: ViewContext): View {
  if (route.name === "history") return historyView(ctx, route.param);
  if (route.name === "rejects") return rejectsView(ctx, route.param);
  if (route.name === "settings") return settingsView(ctx);
  if (route.name === "alerts") return alertsView(ctx);
  if (route.name === "repair") return repairView(ctx);
  return overviewView(ctx);
}
