import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { FIRST_NAMES, LAST_NAMES } from "./names_and_streets.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

/** Staff: the first is the primary admin, the rest managers or cashiers tied to one outlet. */
export function buildUsers(
  random: SeededRandom,
  count: number,
  outlets: PlainRecord[],
): PlainRecord[] {
  const users: PlainRecord[] = [];
  for (let i = 0; i < count; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    // Drawn in the order of the fields below, so a seed makes the users it always made.
    const id = lightspeedId(random);
    const accountType = i === 0 ? "admin" : random.pick(["manager", "cashier", "cashier"]);
    const restrictedOutletIds = i === 0 ? [] : [random.pick(outlets).id];
    users.push({
      id,
      username: `${first}.${last}${i}`.toLowerCase().replace(/[^a-z0-9.]/g, ""),
      display_name: `${first} ${last}`,
      email: `staff${i}@example-store.test`,
      account_type: accountType,
      is_primary_user: i === 0,
      // The API 2.0 schema has both: the single one is the first of the list.
      restricted_outlet_id: restrictedOutletIds[0] ?? null,
      restricted_outlet_ids: restrictedOutletIds,
      target_daily: null,
      target_weekly: null,
      target_monthly: null,
      ...recordBase(setupTimeMs(random)),
    });
  }
  return users;
}
