import { deleteLookups, editLookups, type LookupChanges } from "./lookup_mutations.ts";
import type { MutationRequest } from "./options.ts";
import { round2, round5 } from "./money.ts";
import { SeededRandom } from "./random.ts";
import type { PlainRecord, SaleRow, SaleStatus } from "./records.ts";
import { changeConsignments, type ConsignmentChanges } from "./consignment_mutations.ts";
import { buildSale, payOffBalance, saleTotalIncludingTax } from "./sale_builder.ts";
import { sample } from "./sample.ts";
import type { SimulatorStore } from "./store.ts";
import { isoUtc } from "./time.ts";

type SalePlacement = NonNullable<MutationRequest["salesAt"]>[number];

export interface MutationSummary extends ConsignmentChanges {
  previousMaxVersion: number;
  maxVersion: number;
  customerEdits: string[];
  productEdits: string[];
  customerDeletes: string[];
  productDeletes: string[];
  /** Inventory rows soft-deleted with their product. */
  inventoryDeletes: string[];
  laybyPayoffs: string[];
  onAccountPayoffs: string[];
  voids: string[];
  /** Sale ids that lost a line item. */
  lineItemRemovals: string[];
  removedLineItemIds: string[];
  newSales: string[];
  /** Inventory row ids whose level changed. */
  stockMovements: string[];
  /** Registers whose invoice sequence moved on because of new sales. */
  registersTouched: string[];
  /** Per lookup entity (users, taxes, brands, ...), the keys of the records edited. */
  lookupEdits: LookupChanges;
  /** Per lookup entity whose endpoint accepts `deleted=true`, the keys soft-deleted. */
  lookupDeletes: LookupChanges;
}

/**
 * Applies the changes a live store makes between syncs. Counts are upper bounds: when
 * fewer candidates exist (e.g. no open laybys left), fewer changes are made.
 */
export function applyMutations(store: SimulatorStore, request: MutationRequest): MutationSummary {
  const random = new SeededRandom(
    request.seed ?? `${store.options.seed}:round-${++store.mutationRounds}`,
  );
  const summary = emptySummary(store.maxVersion);
  // Each round happens a little later in the store's day.
  store.nowMs += random.int(10, 120) * 60_000;
  const tick = () => (store.nowMs += random.int(1, 20) * 1000);
  const round: MutationRound = { store, random, summary, tick };
  // The steps share one random stream, so their order is part of what a seed produces.
  editCustomers(round, request.customerEdits);
  editProducts(round, request.productEdits);
  deleteCustomers(round, request.customerDeletes);
  deleteProducts(round, request.productDeletes);
  closeSales(round, request);
  removeLineItems(round, request.lineItemRemovals);
  addSales(round, request.newSales ?? 0, request.salesAt ?? []);
  moveStock(round, request.stockMovements);
  const lookupRound = {
    store,
    random,
    tick,
    sample: <T>(items: T[], n: number) => sample(random, items, n),
  };
  summary.lookupEdits = editLookups(lookupRound, request.lookupEdits);
  summary.lookupDeletes = deleteLookups(lookupRound, request.lookupDeletes);
  changeConsignments(round, request);
  summary.maxVersion = store.maxVersion;
  return summary;
}

/** What the steps of one mutation round share. */
export interface MutationRound {
  store: SimulatorStore;
  random: SeededRandom;
  summary: MutationSummary;
  /** Moves the store's clock on a few seconds and returns the new time. */
  tick: () => number;
}

function emptySummary(maxVersion: number): MutationSummary {
  return {
    previousMaxVersion: maxVersion,
    maxVersion,
    customerEdits: [],
    productEdits: [],
    customerDeletes: [],
    productDeletes: [],
    inventoryDeletes: [],
    laybyPayoffs: [],
    onAccountPayoffs: [],
    voids: [],
    lineItemRemovals: [],
    removedLineItemIds: [],
    newSales: [],
    stockMovements: [],
    registersTouched: [],
    lookupEdits: {},
    lookupDeletes: {},
    consignmentReceipts: [],
    consignmentEdits: [],
    consignmentDeletes: [],
    removedConsignmentProducts: [],
  };
}

function live(records: PlainRecord[]): PlainRecord[] {
  return records.filter((r) => r.deleted_at === null);
}

function editCustomers({ store, random, summary, tick }: MutationRound, count?: number): void {
  for (const customer of sample(random, live(store.catalog.customers), count)) {
    customer.email = `updated.${random.hex(6)}@example.test`;
    customer.loyalty_balance = round5(random.next() * 80);
    customer.updated_at = isoUtc(tick());
    store.touchPlain("customers", customer);
    summary.customerEdits.push(customer.id);
  }
}

function editProducts({ store, random, summary, tick }: MutationRound, count?: number): void {
  for (const product of sample(random, live(store.catalog.products), count)) {
    const priceEx = round2((product.price_excluding_tax as number) * random.pick([0.9, 1.05, 1.1]));
    product.price_excluding_tax = priceEx;
    product.price_including_tax = round5(priceEx * 1.15);
    product.updated_at = isoUtc(tick());
    store.touchPlain("products", product);
    summary.productEdits.push(product.id);
  }
}

function deleteCustomers({ store, random, summary, tick }: MutationRound, count?: number): void {
  for (const customer of sample(random, live(store.catalog.customers), count)) {
    const at = isoUtc(tick());
    customer.deleted_at = at;
    customer.updated_at = at;
    store.touchPlain("customers", customer);
    summary.customerDeletes.push(customer.id);
  }
}

/** Deletes standalone products and variant children (never parents) with their stock rows. */
function deleteProducts({ store, random, summary, tick }: MutationRound, count?: number): void {
  const { catalog } = store;
  const deletable = live(catalog.products).filter((p) => p.has_variants !== true);
  for (const product of sample(random, deletable, count)) {
    const at = isoUtc(tick());
    product.deleted_at = at;
    product.updated_at = at;
    store.touchPlain("products", product);
    summary.productDeletes.push(product.id);
    // A deleted product's stock rows go with it.
    for (const row of catalog.inventory) {
      if (row.product_id !== product.id || row.deleted_at !== null) continue;
      row.deleted_at = at;
      store.touchPlain("inventory", row);
      summary.inventoryDeletes.push(row.id);
    }
  }
}

/** Pays off laybys and on-account sales, then voids closed sales. */
function closeSales(round: MutationRound, request: MutationRequest): void {
  const { store, random, summary, tick } = round;
  const salesWith = (test: (sale: SaleRow) => boolean) => store.sales.filter(test);
  const close = (sale: SaleRow, status: SaleRow["status"], pay: boolean) => {
    const at = tick();
    if (pay) payOffBalance(random, store.catalog, sale, at);
    sale.status = status;
    sale.updatedAtMs = at;
    store.touchSale(sale);
  };
  for (const sale of sample(random, salesWith((s) => s.status === "LAYBY"), request.laybyPayoffs)) {
    close(sale, "LAYBY_CLOSED", true);
    summary.laybyPayoffs.push(sale.id);
  }
  const onAccount = salesWith((s) => s.status === "ONACCOUNT");
  for (const sale of sample(random, onAccount, request.onAccountPayoffs)) {
    close(sale, "ONACCOUNT_CLOSED", true);
    summary.onAccountPayoffs.push(sale.id);
  }
  const voidable = salesWith((s) => s.status === "CLOSED" && s.returnFor === null);
  for (const sale of sample(random, voidable, request.voids)) {
    close(sale, "VOIDED", false);
    summary.voids.push(sale.id);
  }
}

/** Takes one line out of closed non-return sales with two or more, trimming their payments. */
function removeLineItems({ store, random, summary, tick }: MutationRound, count?: number): void {
  const editable = store.sales.filter((s) =>
    s.status === "CLOSED" && s.returnFor === null && s.lines.length >= 2
  );
  for (const sale of sample(random, editable, count)) {
    const [removed] = sale.lines.splice(random.int(0, sale.lines.length - 1), 1);
    rebalancePayments(sale, saleTotalIncludingTax(store.catalog, sale));
    sale.updatedAtMs = tick();
    store.touchSale(sale);
    summary.lineItemRemovals.push(sale.id);
    summary.removedLineItemIds.push(removed.id);
  }
}

/** New sales move their register's invoice sequence on: touched registers get a new version. */
/** `count` sales now, in random outlets, then one sale at each placement's instant. */
function addSales(round: MutationRound, count: number, placed: SalePlacement[]): void {
  const { store, random, summary, tick } = round;
  const { catalog } = store;
  const touchedRegisters = new Set<number>();
  const add = (status: SaleStatus, outletIndex: number, saleDateMs: number) => {
    const sale = buildSale(random, catalog, { outletIndex, saleDateMs, status });
    const register = catalog.registers[sale.registerIndex];
    sale.invoiceSequence = register.invoice_sequence as number;
    register.invoice_sequence = sale.invoiceSequence + 1;
    touchedRegisters.add(sale.registerIndex);
    store.sales.push(sale);
    store.appendSale(sale);
    summary.newSales.push(sale.id);
  };
  const newStatus = () =>
    random.weighted([["CLOSED", 90], ["LAYBY", 4], ["ONACCOUNT", 6]] as const);
  for (let i = 0; i < count; i++) {
    const status = newStatus();
    add(status, random.int(0, catalog.outlets.length - 1), tick());
  }
  for (const { outlet, at } of placed) {
    add(newStatus(), outlet % catalog.outlets.length, Date.parse(at));
  }
  for (const index of touchedRegisters) {
    const register = catalog.registers[index];
    store.touchPlain("registers", register);
    summary.registersTouched.push(register.id);
  }
}

function moveStock({ store, random, summary }: MutationRound, count?: number): void {
  for (const row of sample(random, live(store.catalog.inventory), count)) {
    const level = (row.inventory_level as number) + random.pick([-3, -2, -1, 5, 10, 24]);
    row.inventory_level = level;
    row.current_amount = level;
    store.touchPlain("inventory", row);
    summary.stockMovements.push(row.id);
  }
}

/** Makes payments add up to a sale's new total by trimming the latest ones. */
function rebalancePayments(sale: SaleRow, total: number): void {
  let excess = round2(sale.payments.reduce((sum, p) => sum + p.amount, 0) - total);
  for (let i = sale.payments.length - 1; i >= 0 && excess > 0; i--) {
    const payment = sale.payments[i];
    const cut = Math.min(payment.amount, excess);
    payment.amount = round2(payment.amount - cut);
    excess = round2(excess - cut);
    if (payment.amount === 0 && sale.payments.length > 1) sale.payments.splice(i, 1);
  }
}
