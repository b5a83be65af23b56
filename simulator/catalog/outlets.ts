import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { STREETS } from "./names_and_streets.ts";
import { OUTLET_TEMPLATES, type OutletTemplate } from "./outlet_templates.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

/** One outlet per template; outlet `i` uses tax `i`. */
export function buildOutlets(
  random: SeededRandom,
  templates: OutletTemplate[],
  taxes: PlainRecord[],
): PlainRecord[] {
  // Numbered names only when templates repeat, so names stay unique.
  const numbered = templates.length > OUTLET_TEMPLATES.length;
  return templates.map((t, i) => ({
    id: lightspeedId(random),
    name: numbered ? `${t.name} ${i + 1}` : t.name,
    time_zone: t.timeZone,
    // X-Series sets the currency per retailer, so every outlet shares it.
    currency: "NZD",
    currency_symbol: "$",
    display_prices: t.displayPrices,
    email: `${t.code.toLowerCase()}@example-store.test`,
    default_tax_id: taxes[i].id,
    physical_address_1: `${random.int(1, 400)} ${random.pick(STREETS)}`,
    physical_address_2: null,
    physical_suburb: null,
    physical_city: t.city,
    physical_postcode: String(random.int(1000, 99999)),
    physical_state: null,
    physical_country_id: t.country,
    attributes: [{ key: "store_code", value: t.code }],
    ...recordBase(setupTimeMs(random)),
  }));
}
