import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { isoUtc, STORE_EPOCH_MS } from "../time.ts";
import type { OutletTemplate } from "./outlet_templates.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

export interface RegisterSet {
  registers: PlainRecord[];
  /** Outlet index of each register. */
  registerOutletIndex: number[];
  /** Register indexes of each outlet. */
  registersByOutlet: number[][];
}

/** `registersPerOutlet` open registers in every outlet, outlet by outlet. */
export function buildRegisters(
  random: SeededRandom,
  outlets: PlainRecord[],
  templates: OutletTemplate[],
  registersPerOutlet: number,
  cashPaymentType: PlainRecord,
): RegisterSet {
  const set: RegisterSet = {
    registers: [],
    registerOutletIndex: [],
    registersByOutlet: outlets.map(() => []),
  };
  outlets.forEach((outlet, outletIndex) => {
    for (let r = 0; r < registersPerOutlet; r++) {
      set.registersByOutlet[outletIndex].push(set.registers.length);
      set.registerOutletIndex.push(outletIndex);
      set.registers.push(
        buildRegister(random, outlet, templates[outletIndex], r, cashPaymentType),
      );
    }
  });
  return set;
}

/** The `position`th register (from 0) of an outlet, opened a few hours before the store's now. */
function buildRegister(
  random: SeededRandom,
  outlet: PlainRecord,
  template: OutletTemplate,
  position: number,
  cashPaymentType: PlainRecord,
): PlainRecord {
  const openMs = STORE_EPOCH_MS - random.int(1, 10) * 3_600_000;
  return {
    id: lightspeedId(random),
    name: position === 0 ? "Main Register" : `Register ${position + 1}`,
    outlet_id: outlet.id,
    is_open: true,
    register_open_time: isoUtc(openMs),
    register_close_time: null,
    register_open_sequence_id: lightspeedId(random),
    invoice_prefix: `${template.code}${position + 1}-`,
    invoice_suffix: "",
    invoice_sequence: 1,
    print_receipt: true,
    email_receipt: position % 2 === 0,
    print_note_on_receipt: false,
    ask_for_note_on_save: 1,
    ask_for_user_on_sale: false,
    show_discounts_on_receipts: true,
    cash_managed_payment_type_id: cashPaymentType.id,
    ...recordBase(setupTimeMs(random)),
  };
}
