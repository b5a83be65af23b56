import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

/** Customer groups; the first, "All Customers", is the one most customers belong to. */
export function buildCustomerGroups(random: SeededRandom): PlainRecord[] {
  return ["All Customers", "VIP", "Staff", "Wholesale"].map((name) => ({
    id: lightspeedId(random),
    name,
    group_id: name.toLowerCase().replace(/ /g, "_"),
    ...recordBase(setupTimeMs(random)),
  }));
}
