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
    users.push({
      id: lightspeedId(random),
      username: `${first}.${last}${i}`.toLowerCase().replace(/[^a-z0-9.]/g, ""),
      display_name: `${first} ${last}`,
      email: `staff${i}@example-store.test`,
      account_type: i === 0 ? "admin" : random.pick(["manager", "cashier", "cashier"]),
      is_primary_user: i === 0,
      restricted_outlet_ids: i === 0 ? [] : [random.pick(outlets).id],
      target_daily: null,
      target_weekly: null,
      target_monthly: null,
      ...recordBase(setupTimeMs(random)),
    });
  }
  return users;
}
