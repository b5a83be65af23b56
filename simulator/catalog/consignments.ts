import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { DAY_MS, isoUtc } from "../time.ts";
import { historyTimeMs, recordBase } from "./record_times.ts";

/**
 * A product line of a consignment as `/consignments/{id}/products` serves it: no `id` (a
 * product appears once per consignment), counts and cost as decimal strings ("12.00000").
 */
export interface ConsignmentProduct {
  product_id: string;
  version: number;
  [field: string]: unknown;
}

export interface ConsignmentSet {
  consignments: PlainRecord[];
  /** The products of each consignment, by consignment id. */
  consignmentProducts: Map<string, ConsignmentProduct[]>;
}

type ConsignmentType = "SUPPLIER" | "OUTLET" | "RETURN" | "STOCKTAKE";

const STATUSES: Record<ConsignmentType, readonly string[]> = {
  SUPPLIER: ["OPEN", "SENT", "DISPATCHED", "RECEIVED", "RECEIVED", "CANCELLED"],
  OUTLET: ["OPEN", "SENT", "RECEIVED", "RECEIVED"],
  RETURN: ["OPEN", "SENT", "CANCELLED"],
  STOCKTAKE: ["STOCKTAKE_SCHEDULED", "STOCKTAKE_IN_PROGRESS", "STOCKTAKE_COMPLETE"],
};

/** Lightspeed's decimal strings: five decimals. */
export function decimalText(value: number): string {
  return value.toFixed(5);
}

/**
 * Stock orders, transfers, returns and stocktakes over the sales history, about one per four
 * products, each with 1–8 sellable products (stocktakes 6–14) referring to real product ids.
 */
export function buildConsignments(
  random: SeededRandom,
  products: PlainRecord[],
  sellableProductIndexes: number[],
  outlets: PlainRecord[],
): ConsignmentSet {
  const set: ConsignmentSet = { consignments: [], consignmentProducts: new Map() };
  const count = Math.max(16, Math.round(sellableProductIndexes.length / 4));
  for (let i = 0; i < count; i++) {
    const types: ConsignmentType[] = outlets.length > 1
      ? ["SUPPLIER", "SUPPLIER", "OUTLET", "RETURN", "STOCKTAKE"]
      : ["SUPPLIER", "SUPPLIER", "RETURN", "STOCKTAKE"];
    const type = random.pick(types);
    const consignment = buildConsignment(random, type, i, outlets);
    const lines = type === "STOCKTAKE" ? random.int(6, 14) : random.int(1, 8);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(lines, sellableProductIndexes.length)) {
      chosen.add(random.pick(sellableProductIndexes));
    }
    const items = [...chosen].map((index) => buildLine(random, consignment, products[index]));
    if (type === "SUPPLIER" || type === "RETURN") {
      consignment.supplier_id = products[[...chosen][0]].supplier_id ?? null;
    }
    set.consignments.push(consignment);
    set.consignmentProducts.set(consignment.id, items);
  }
  return set;
}

function buildConsignment(
  random: SeededRandom,
  type: ConsignmentType,
  index: number,
  outlets: PlainRecord[],
): PlainRecord {
  const createdMs = historyTimeMs(random);
  const status = random.pick(STATUSES[type]);
  const outlet = random.pick(outlets);
  const received = status === "RECEIVED" || status === "STOCKTAKE_COMPLETE";
  const receivedMs = createdMs + random.int(1, 10) * DAY_MS;
  const source = type === "OUTLET" ? random.pick(outlets.filter((o) => o !== outlet)) : null;
  const gains = type === "STOCKTAKE" && received;
  return {
    id: lightspeedId(random),
    outlet_id: outlet.id,
    name: type === "STOCKTAKE"
      ? `Stocktake ${new Date(createdMs).toISOString().slice(0, 7)}`
      : type === "OUTLET"
      ? "Stock Transfer"
      : `Order - ${new Date(createdMs).toDateString()}`,
    type,
    status,
    consignment_date: isoUtc(createdMs),
    due_at: type === "STOCKTAKE" ? null : isoUtc(createdMs + 7 * DAY_MS),
    received_at: received ? isoUtc(receivedMs) : null,
    supplier_id: null,
    source_outlet_id: source?.id ?? null,
    supplier_invoice: received && type === "SUPPLIER" ? `INV-${random.int(1000, 9999)}` : "",
    reference: type === "SUPPLIER" ? `PO-${10_000 + index}` : null,
    total_count_gain: gains ? random.int(0, 6) : null,
    total_cost_gain: gains ? random.int(0, 9000) / 100 : null,
    total_count_loss: gains ? -random.int(0, 6) : null,
    total_cost_loss: gains ? -random.int(0, 9000) / 100 : null,
    show_inactive: false,
    filters: [],
    ...recordBase(createdMs, received ? receivedMs : createdMs),
  };
}

function buildLine(
  random: SeededRandom,
  consignment: PlainRecord,
  product: PlainRecord,
): ConsignmentProduct {
  const count = random.int(1, 48);
  const done = consignment.received_at !== null;
  const line: ConsignmentProduct = {
    product_id: product.id,
    product_sku: product.sku,
    count: decimalText(count),
    received: decimalText(done ? count - (random.chance(0.1) ? 1 : 0) : 0),
    cost: decimalText(Number(product.supply_price)),
    is_included: consignment.type !== "STOCKTAKE" || random.chance(0.8),
    status: done ? "SUCCESS" : "PENDING",
    created_at: consignment.created_at,
    updated_at: consignment.updated_at,
    deleted_at: null,
    version: 0,
  };
  // The API leaves out the expected count of a line that has none (a stocktake's extra finds).
  if (consignment.type === "STOCKTAKE" && random.chance(0.15)) delete line.count;
  return line;
}
