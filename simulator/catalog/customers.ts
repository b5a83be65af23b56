import { lightspeedId } from "../ids.ts";
import { round2, round5 } from "../money.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { DAY_MS, isoDate } from "../time.ts";
import { FIRST_NAMES, LAST_NAMES, STREETS } from "./names_and_streets.ts";
import { historyTimeMs, recordBase } from "./record_times.ts";

/** Customers created during the sales history, with sparse optional fields. */
export function buildCustomers(
  random: SeededRandom,
  count: number,
  groups: PlainRecord[],
): PlainRecord[] {
  const customers: PlainRecord[] = [];
  for (let i = 0; i < count; i++) customers.push(buildCustomer(random, i, groups));
  return customers;
}

function buildCustomer(random: SeededRandom, index: number, groups: PlainRecord[]): PlainRecord {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const createdMs = historyTimeMs(random);
  const address = randomAddress(random);
  const prefixed = (prefix: string) =>
    Object.fromEntries(Object.entries(address).map(([k, v]) => [`${prefix}_${k}`, v]));
  return {
    id: lightspeedId(random),
    customer_code: `${first.slice(0, 3).toUpperCase()}-${String(index + 1).padStart(5, "0")}`,
    first_name: first,
    last_name: last,
    name: `${first} ${last}`,
    email: random.chance(0.85) ? `customer${index}@example.test` : null,
    phone: random.chance(0.6) ? `+64 9 ${random.int(100, 999)} ${random.int(1000, 9999)}` : null,
    mobile: random.chance(0.7) ? `+64 21 ${random.int(100, 999)} ${random.int(1000, 9999)}` : null,
    company_name: random.chance(0.1) ? `${last} Ltd` : null,
    customer_group_id: random.chance(0.8) ? groups[0].id : random.pick(groups).id,
    gender: random.pick(["F", "M", "X", null]),
    date_of_birth: random.chance(0.6)
      ? isoDate(Date.UTC(random.int(1950, 2006), random.int(0, 11), random.int(1, 28)))
      : null,
    note: random.chance(0.1) ? "Prefers email receipts" : null,
    do_not_email: random.chance(0.2),
    enable_loyalty: random.chance(0.5),
    // Physical and postal addresses are the same one.
    ...prefixed("physical"),
    ...prefixed("postal"),
    custom_field_1: random.chance(0.3) ? "newsletter" : null,
    custom_field_2: null,
    custom_field_3: null,
    custom_field_4: null,
    year_to_date: round2(random.next() * 2_000),
    balance: random.chance(0.1) ? round2(-random.next() * 300) : 0,
    loyalty_balance: round5(random.next() * 50),
    on_account_limit: random.chance(0.1) ? 500 : null,
    ...recordBase(createdMs, createdMs + random.int(0, 60) * DAY_MS),
  };
}

/** Address fields without their `physical_`/`postal_` prefix. */
function randomAddress(random: SeededRandom) {
  return {
    address_1: `${random.int(1, 999)} ${random.pick(STREETS)}`,
    address_2: random.chance(0.2) ? `Unit ${random.int(1, 40)}` : null,
    suburb: random.chance(0.5) ? "Central" : null,
    city: random.pick(["Auckland", "New York", "London", "Wellington", "Brooklyn"]),
    postcode: String(random.int(1000, 99999)),
    state: null,
    country_id: random.pick(["NZ", "US", "GB"]),
  };
}
