// `/search?type=sales`: Lightspeed's offset-paged search, which unlike the version-paged lists
// filters sales by date. `date_from` and `date_to` are UTC instants (a sale_date equal to
// either is included), `offset` counts the results already read and `page_size` is cut to 1000
// without a word, as the store does. Results come oldest sale_date first.
import { delay, errorResponse, jsonResponse } from "./http_json.ts";
import type { SimulatorState } from "./simulator_state.ts";

export const MAX_SEARCH_PAGE_SIZE = 1000;

type SaleRecord = { id: string; sale_date: string };

function instant(raw: string | null, name: string): number | string | undefined {
  if (raw === null || raw === "") return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? `The ${name} parameter must be a date, got ${JSON.stringify(raw)}` : ms;
}

function count(raw: string | null, name: string, fallback: number): number | string {
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,9}$/.test(raw)) return `The ${name} parameter must be a non-negative integer`;
  return Number(raw);
}

export async function serveSearch(state: SimulatorState, url: URL): Promise<Response> {
  const params = url.searchParams;
  if (params.get("type") !== "sales") {
    return errorResponse(400, "The simulator's search serves type=sales only");
  }
  const from = instant(params.get("date_from"), "date_from");
  const to = instant(params.get("date_to"), "date_to");
  const offset = count(params.get("offset"), "offset", 0);
  const pageSize = count(params.get("page_size"), "page_size", MAX_SEARCH_PAGE_SIZE);
  for (const value of [from, to, offset, pageSize]) {
    if (typeof value === "string") return errorResponse(400, value);
  }
  const matching = (state.store.dump("sales") as SaleRecord[])
    .map((sale) => ({ sale, at: Date.parse(sale.sale_date) }))
    .filter(({ at }) =>
      (from === undefined || at >= (from as number)) && (to === undefined || at <= (to as number))
    )
    .sort((a, b) => a.at - b.at || (a.sale.id < b.sale.id ? -1 : 1));
  const size = Math.min(Math.max(pageSize as number, 1), MAX_SEARCH_PAGE_SIZE);
  const data = matching.slice(offset as number, (offset as number) + size).map((m) => m.sale);
  const { baseMs, perRecordMs } = state.settings.latency;
  await delay(baseMs + perRecordMs * data.length);
  return jsonResponse(200, { data });
}
