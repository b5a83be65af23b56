import type { Catalog } from "./catalog.ts";
import { lightspeedId } from "./ids.ts";
import { round2, round5 } from "./money.ts";
import type { SeededRandom } from "./random.ts";
import type { LineRow, PaymentRow, SaleRow, SaleStatus } from "./records.ts";

export interface NewSaleParams {
  outletIndex: number;
  saleDateMs: number;
  status: SaleStatus;
  /** When set, the sale returns some lines of this earlier sale. */
  returnOf?: SaleRow;
}

/** Builds one sale with 1–8 line items and payments that match its status. */
export function buildSale(random: SeededRandom, catalog: Catalog, params: NewSaleParams): SaleRow {
  const { outletIndex, saleDateMs, status, returnOf } = params;
  const registerIndex = random.pick(catalog.registersByOutlet[outletIndex]);
  const needsCustomer = status === "LAYBY" || status === "LAYBY_CLOSED" ||
    status === "ONACCOUNT" || status === "ONACCOUNT_CLOSED";
  const customerIndex = returnOf
    ? returnOf.customerIndex
    : needsCustomer || random.chance(0.6)
    ? random.int(0, catalog.customers.length - 1)
    : -1;
  const lines = returnOf
    ? returnLines(random, returnOf)
    : buildLines(random, catalog, customerIndex);
  const sale: SaleRow = {
    id: lightspeedId(random),
    outletIndex,
    registerIndex,
    userIndex: random.int(0, catalog.users.length - 1),
    customerIndex,
    invoiceSequence: 0,
    shortCode: random.hex(6),
    status,
    saleDateMs,
    createdAtMs: saleDateMs,
    updatedAtMs: saleDateMs + random.int(0, 90_000),
    deletedAtMs: null,
    version: 0,
    note: "",
    returnFor: returnOf ? returnOf.id : null,
    lines,
    payments: [],
  };
  sale.payments = buildPayments(random, catalog, sale);
  if (status.endsWith("_CLOSED")) sale.updatedAtMs += random.int(1, 40) * 86_400_000;
  return sale;
}

function buildLines(
  random: SeededRandom,
  catalog: Catalog,
  customerIndex: number,
): LineRow[] {
  const count = random.int(1, 8);
  const loyalty = customerIndex >= 0 &&
    catalog.customers[customerIndex].enable_loyalty === true;
  const lines: LineRow[] = [];
  for (let i = 0; i < count; i++) {
    const productIndex = random.pick(catalog.sellableProductIndexes);
    const product = catalog.products[productIndex];
    const listPrice = product.price_excluding_tax as number;
    const discount = random.chance(0.15) ? round5(listPrice * random.pick([0.1, 0.15, 0.2])) : 0;
    const price = round5(listPrice - discount);
    lines.push({
      id: lightspeedId(random),
      productIndex,
      quantity: random.weighted([[1, 80], [2, 15], [3, 4], [12, 1]]),
      price,
      discount,
      cost: product.supply_price as number,
      loyaltyValue: loyalty ? round5(price * 0.01) : 0,
      status: "CONFIRMED",
      note: random.chance(0.03) ? "Gift wrapped" : null,
    });
  }
  return lines;
}

function returnLines(random: SeededRandom, original: SaleRow): LineRow[] {
  const kept = original.lines.filter((_, i) => i === 0 || random.chance(0.5));
  return kept.map((line) => ({
    ...line,
    id: lightspeedId(random),
    quantity: -Math.abs(line.quantity),
    loyaltyValue: 0,
    note: "Returned",
  }));
}

/** Sale total including tax, rounded to cents as the register charges it. */
export function saleTotalIncludingTax(catalog: Catalog, sale: SaleRow): number {
  const rate = outletTaxRate(catalog, sale.outletIndex);
  let total = 0;
  for (const line of sale.lines) {
    if (line.status === "VOIDED") continue;
    total += (line.price + round5(line.price * rate)) * line.quantity;
  }
  return round2(total);
}

export function outletTaxRate(catalog: Catalog, outletIndex: number): number {
  return catalog.taxes[catalog.outletTaxIndex[outletIndex]].rate as number;
}

function buildPayments(random: SeededRandom, catalog: Catalog, sale: SaleRow): PaymentRow[] {
  const total = saleTotalIncludingTax(catalog, sale);
  const payment = (amount: number, dateMs: number): PaymentRow => ({
    id: lightspeedId(random),
    paymentTypeIndex: random.int(0, Math.min(2, catalog.paymentTypes.length - 1)),
    registerIndex: sale.registerIndex,
    amount: round2(amount),
    dateMs,
  });
  switch (sale.status) {
    case "SAVED":
      return [];
    case "LAYBY":
      return [payment(total * random.pick([0.2, 0.3, 0.5]), sale.saleDateMs)];
    case "ONACCOUNT":
      return random.chance(0.5) ? [payment(total * 0.25, sale.saleDateMs)] : [];
    case "LAYBY_CLOSED":
    case "ONACCOUNT_CLOSED": {
      const deposit = round2(total * 0.3);
      return [
        payment(deposit, sale.saleDateMs),
        payment(total - deposit, sale.saleDateMs + random.int(2, 30) * 86_400_000),
      ];
    }
    default: {
      if (total !== 0 && random.chance(0.2)) {
        const first = round2(total * random.pick([0.3, 0.5, 0.7]));
        return [payment(first, sale.saleDateMs), payment(total - first, sale.saleDateMs)];
      }
      return [payment(total, sale.saleDateMs)];
    }
  }
}

/** Adds a payment for what is still owed, e.g. when a layby is paid off. */
export function payOffBalance(random: SeededRandom, catalog: Catalog, sale: SaleRow, atMs: number) {
  const paid = sale.payments.reduce((sum, p) => sum + p.amount, 0);
  const owed = round2(saleTotalIncludingTax(catalog, sale) - paid);
  sale.payments.push({
    id: lightspeedId(random),
    paymentTypeIndex: random.int(0, Math.min(2, catalog.paymentTypes.length - 1)),
    registerIndex: sale.registerIndex,
    amount: owed,
    dateMs: atMs,
  });
}
