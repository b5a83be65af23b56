import type { Catalog } from "./catalog.ts";
import { HOSTILE } from "./hostile_strings.ts";
import type { SeededRandom } from "./random.ts";
import type { SaleRow, SaleStatus } from "./records.ts";
import { buildSale } from "./sale_builder.ts";
import { DAY_MS, HISTORY_DAYS, STORE_EPOCH_MS } from "./time.ts";

const HISTORY_STATUSES: [SaleStatus | "RETURN" | "DELETED_SAVED", number][] = [
  ["CLOSED", 84],
  ["RETURN", 5],
  ["LAYBY", 2],
  ["LAYBY_CLOSED", 1.5],
  ["ONACCOUNT", 2.5],
  ["ONACCOUNT_CLOSED", 1.5],
  ["VOIDED", 2],
  ["SAVED", 1],
  ["DELETED_SAVED", 0.5],
];

/** Sales over the last two years, in date order, during each outlet's opening hours. */
export function generateSales(random: SeededRandom, catalog: Catalog, count: number): SaleRow[] {
  const outletCount = catalog.outlets.length;
  const dates = new Float64Array(count);
  const outlets = new Uint8Array(count);
  const historyStart = STORE_EPOCH_MS - HISTORY_DAYS * DAY_MS;
  for (let i = 0; i < count; i++) {
    const outletIndex = random.int(0, outletCount - 1);
    const dayStart = historyStart + random.int(0, HISTORY_DAYS - 1) * DAY_MS;
    const localSecondOfDay = random.int(9 * 3600, 20 * 3600 + 59 * 60);
    const offsetMs = catalog.outletUtcOffsetHours[outletIndex] * 3_600_000;
    outlets[i] = outletIndex;
    dates[i] = dayStart + localSecondOfDay * 1000 - offsetMs;
  }
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => dates[a] - dates[b]);

  const sales: SaleRow[] = [];
  const closedSaleIndexes: number[] = [];
  const nextInvoice = new Array(catalog.registers.length).fill(1);
  for (const i of order) {
    let kind = random.weighted(HISTORY_STATUSES);
    if (kind === "RETURN" && closedSaleIndexes.length === 0) kind = "CLOSED";
    const returnOf = kind === "RETURN"
      ? sales[closedSaleIndexes[random.int(0, closedSaleIndexes.length - 1)]]
      : undefined;
    const status: SaleStatus = kind === "RETURN"
      ? "CLOSED"
      : kind === "DELETED_SAVED"
      ? "SAVED"
      : kind;
    const sale = buildSale(random, catalog, {
      outletIndex: returnOf ? returnOf.outletIndex : outlets[i],
      saleDateMs: dates[i],
      status,
      returnOf,
    });
    sale.invoiceSequence = nextInvoice[sale.registerIndex]++;
    if (kind === "DELETED_SAVED") sale.deletedAtMs = sale.updatedAtMs + 3_600_000;
    if (kind === "CLOSED") closedSaleIndexes.push(sales.length);
    sales.push(sale);
  }
  catalog.registers.forEach((register, index) => {
    register.invoice_sequence = nextInvoice[index];
  });
  seedHostileSaleNotes(random, sales);
  return sales;
}

function seedHostileSaleNotes(random: SeededRandom, sales: SaleRow[]): void {
  if (sales.length === 0) return;
  const notes = [
    HOSTILE.longNote,
    HOSTILE.scriptTag,
    HOSTILE.imgOnError,
    HOSTILE.emoji,
    HOSTILE.rightToLeft,
    HOSTILE.quotes,
  ];
  for (const note of notes) sales[random.int(0, sales.length - 1)].note = note;
}
