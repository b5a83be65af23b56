import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

/** Name and X-Series payment type id. Cash comes first: registers manage the first one. */
const PAYMENT_TYPE_NAMES: [string, string][] = [
  ["Cash", "1"],
  ["Credit Card", "3"],
  ["EFTPOS", "4"],
  ["Gift Card", "7"],
  ["Store Credit", "8"],
];

export function buildPaymentTypes(random: SeededRandom): PlainRecord[] {
  return PAYMENT_TYPE_NAMES.map(([name, typeId]) => ({
    id: lightspeedId(random),
    name,
    // The API 2.0 schema's number; payment_type_id is the older string the payments repeat.
    type_id: Number(typeId),
    payment_type_id: typeId,
    config: null,
    ...recordBase(setupTimeMs(random)),
  }));
}
