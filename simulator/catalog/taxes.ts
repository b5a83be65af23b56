import { lightspeedId } from "../ids.ts";
import { round2 } from "../money.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import type { OutletTemplate } from "./outlet_templates.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

/** One tax per outlet (same index as the outlet), then a "No Tax" one. */
export function buildTaxes(random: SeededRandom, templates: OutletTemplate[]): PlainRecord[] {
  const taxes: PlainRecord[] = templates.map((t) => {
    const id = lightspeedId(random);
    return {
      id,
      name: t.taxName,
      display_name: `${t.taxName} ${round2(t.taxRate * 100)}%`,
      rate: t.taxRate,
      // Compares templates, so with more outlets than templates the repeats are default too.
      is_default: t === templates[0],
      active: true,
      rates: [{ id: lightspeedId(random), name: t.taxName, rate: t.taxRate }],
      ...recordBase(setupTimeMs(random)),
    };
  });
  taxes.push({
    id: lightspeedId(random),
    name: "No Tax",
    display_name: "No Tax 0%",
    rate: 0,
    is_default: false,
    active: true,
    rates: [{ id: lightspeedId(random), name: "No Tax", rate: 0 }],
    ...recordBase(setupTimeMs(random)),
  });
  return taxes;
}
