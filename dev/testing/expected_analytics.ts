// What the analyst views (README "Analyst views") must show, worked out here from the store's
// own records (the simulator's dump), never from our tables or SQL: local days come from
// Intl's time-zone data, amounts are summed in whole 1/100,000ths so every sum is exact.
// The rules restated here, on purpose apart from the views: a sale counts unless VOIDED or
// deleted; a line counts unless VOIDED or its sale does not; a return line is is_return (else
// a negative quantity); cost is the line's cost_total, else the product's supply_price ×
// quantity; a payment counts on its payment_date (else its sale's) in its outlet's zone.

type SourceRecord = Record<string, unknown>;

export interface StoreDump {
  outlets: SourceRecord[];
  products: SourceRecord[];
  sales: SourceRecord[];
  inventory: SourceRecord[];
}

/** Amounts in 1/100,000ths (Lightspeed sends at most five decimals); counts as they are. */
export type Figures = Record<string, number>;

export interface ExpectedAnalytics {
  /** `${day}|${outlet_id}` → sales, revenue_ex_tax, tax, revenue_inc_tax, discounts, ... */
  salesDaily: Map<string, Figures>;
  /** `${day}|${outlet_id}|${product_id}` → lines, quantity, revenue_ex_tax, cost, margin, ... */
  productSalesDaily: Map<string, Figures>;
  /** `${day}|${outlet_id}|${retailer_payment_type_id}|${name}` → payments, amount. */
  paymentsDaily: Map<string, Figures>;
  /** `${product_id}|${outlet_id}` → inventory_level (units) and needs_reorder (0 or 1). */
  stock: Map<string, Figures>;
}

export const UNITS_PER_DOLLAR = 100_000;

export function units(value: unknown): number {
  if (value === null || value === undefined || value === "") return 0;
  return Math.round(Number(value) * UNITS_PER_DOLLAR);
}

function knownZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (yyyy-mm-dd) an instant falls on in a zone, from Intl's zone data. */
export function localDay(instant: unknown, zone: string): string | null {
  if (typeof instant !== "string" || instant === "") return null;
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** The store's zone: the schedule's setting, else the first live outlet's by name, else UTC. */
export function storeZone(dump: StoreDump, setting: string | null): string {
  if (knownZone(setting)) return setting;
  const first = dump.outlets
    .filter((o) => !o.deleted_at && knownZone(o.time_zone))
    .sort((a, b) =>
      String(a.name).localeCompare(String(b.name)) || String(a.id).localeCompare(String(b.id))
    )[0];
  return first ? String(first.time_zone) : "UTC";
}

function add(map: Map<string, Figures>, key: string, figures: Figures) {
  const sums = map.get(key) ?? {};
  for (const [name, value] of Object.entries(figures)) sums[name] = (sums[name] ?? 0) + value;
  map.set(key, sums);
}

const isCounted = (record: SourceRecord) => !record.deleted_at && record.status !== "VOIDED";
const lineItems = (sale: SourceRecord) => (sale.line_items ?? []) as SourceRecord[];
const isReturn = (line: SourceRecord) =>
  typeof line.is_return === "boolean" ? line.is_return : Number(line.quantity) < 0;

export function expectedAnalytics(dump: StoreDump, zoneSetting: string | null): ExpectedAnalytics {
  const fallback = storeZone(dump, zoneSetting);
  const zones = new Map(
    dump.outlets.map((o) => [o.id, knownZone(o.time_zone) ? o.time_zone : fallback]),
  );
  const zoneOf = (outletId: unknown) => zones.get(outletId) ?? fallback;
  const products = new Map(dump.products.map((p) => [p.id, p]));
  const expected: ExpectedAnalytics = {
    salesDaily: new Map(),
    productSalesDaily: new Map(),
    paymentsDaily: new Map(),
    stock: stockOf(dump, products),
  };
  // A sale without a date still counts, on a null day.
  for (const sale of dump.sales.filter(isCounted)) {
    const day = localDay(sale.sale_date, zoneOf(sale.outlet_id));
    const lines = lineItems(sale).filter((line) => line.status !== "VOIDED");
    addSale(expected, `${day}|${sale.outlet_id}`, sale, lines);
    for (const line of lines) {
      addLine(expected, `${day}|${sale.outlet_id}|${line.product_id}`, line, products);
    }
    for (const payment of (sale.payments ?? []) as SourceRecord[]) {
      const outletId = payment.outlet_id ?? sale.outlet_id;
      const payDay = localDay(payment.payment_date ?? sale.sale_date, zoneOf(outletId));
      const label = `${payment.retailer_payment_type_id}|${payment.name}`;
      add(expected.paymentsDaily, `${payDay}|${outletId}|${label}`, {
        payments: 1,
        amount: units(payment.amount),
      });
    }
  }
  return expected;
}

function addSale(
  expected: ExpectedAnalytics,
  key: string,
  sale: SourceRecord,
  lines: SourceRecord[],
) {
  const returns = lines.filter(isReturn);
  add(expected.salesDaily, key, {
    sales: 1,
    revenue_ex_tax: units(sale.total_price),
    tax: units(sale.total_tax),
    revenue_inc_tax: units(sale.total_price) + units(sale.total_tax),
    discounts: lines.reduce((sum, line) => sum + units(line.discount_total), 0),
    return_sales: returns.length > 0 ? 1 : 0,
    returns_ex_tax: returns.reduce((sum, line) => sum + units(line.price_total), 0),
  });
}

function addLine(
  expected: ExpectedAnalytics,
  key: string,
  line: SourceRecord,
  products: Map<unknown, SourceRecord>,
) {
  const hasCost = line.cost_total !== null && line.cost_total !== undefined;
  const supplyPrice = Number(products.get(line.product_id)?.supply_price ?? 0);
  const cost = hasCost
    ? units(line.cost_total)
    : Math.round(supplyPrice * Number(line.quantity) * UNITS_PER_DOLLAR);
  add(expected.productSalesDaily, key, {
    lines: 1,
    quantity: units(line.quantity),
    revenue_ex_tax: units(line.price_total),
    tax: units(line.tax_total),
    discounts: units(line.discount_total),
    cost,
    margin: units(line.price_total) - cost,
    estimated_cost_lines: hasCost ? 0 : 1,
  });
}

function stockOf(dump: StoreDump, products: Map<unknown, SourceRecord>): Map<string, Figures> {
  const stock = new Map<string, Figures>();
  for (const row of dump.inventory) {
    const product = products.get(row.product_id);
    if (row.deleted_at || product?.deleted_at) continue;
    const level = Number(row.inventory_level);
    const reorderPoint = row.reorder_point === null || row.reorder_point === undefined
      ? null
      : Number(row.reorder_point);
    const needsReorder = reorderPoint !== null && reorderPoint > 0 && level <= reorderPoint;
    stock.set(`${row.product_id}|${row.outlet_id}`, {
      inventory_level: units(level),
      reorder_point: units(reorderPoint),
      needs_reorder: needsReorder ? 1 : 0,
    });
  }
  return stock;
}
