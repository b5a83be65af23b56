// What a live store does to consignments between syncs: orders and transfers received, open
// ones edited (a product taken out, a count changed), open or cancelled ones deleted. Each
// change gives the consignment a new version, and every changed product line one of its own.
import { decimalText } from "./catalog/consignments.ts";
import type { MutationRound } from "./mutations.ts";
import type { MutationRequest } from "./options.ts";
import type { PlainRecord } from "./records.ts";
import { sample } from "./sample.ts";
import { isoUtc } from "./time.ts";

export interface ConsignmentChanges {
  /** Consignments received (status RECEIVED, every line counted). */
  consignmentReceipts: string[];
  /** Open consignments that lost a product and had a count changed. */
  consignmentEdits: string[];
  consignmentDeletes: string[];
  /** `consignment id/product id` of each product line taken out. */
  removedConsignmentProducts: string[];
}

export function changeConsignments(round: MutationRound, request: MutationRequest): void {
  receiveConsignments(round, request.consignmentReceipts);
  editConsignments(round, request.consignmentEdits);
  deleteConsignments(round, request.consignmentDeletes);
}

function liveConsignments(round: MutationRound, test: (c: PlainRecord) => boolean) {
  return round.store.catalog.consignments.filter((c) => c.deleted_at === null && test(c));
}

function linesOf(round: MutationRound, consignment: PlainRecord) {
  return round.store.catalog.consignmentProducts.get(consignment.id) ?? [];
}

function receiveConsignments(round: MutationRound, count?: number): void {
  const { store, random, summary, tick } = round;
  const receivable = liveConsignments(
    round,
    (c) =>
      (c.type === "SUPPLIER" && (c.status === "SENT" || c.status === "DISPATCHED")) ||
      (c.type === "OUTLET" && c.status === "SENT"),
  );
  for (const consignment of sample(random, receivable, count)) {
    const at = isoUtc(tick());
    consignment.status = "RECEIVED";
    consignment.received_at = at;
    consignment.updated_at = at;
    if (consignment.type === "SUPPLIER") {
      consignment.supplier_invoice = `INV-${random.int(1000, 9999)}`;
    }
    for (const line of linesOf(round, consignment)) {
      line.received = line.count ?? decimalText(0);
      line.status = "SUCCESS";
      line.updated_at = at;
      line.version = 0;
    }
    store.touchPlain("consignments", consignment);
    summary.consignmentReceipts.push(consignment.id);
  }
}

function editConsignments(round: MutationRound, count?: number): void {
  const { store, random, summary, tick } = round;
  const editable = liveConsignments(
    round,
    (c) => c.status === "OPEN" && linesOf(round, c).length >= 2,
  );
  for (const consignment of sample(random, editable, count)) {
    const at = isoUtc(tick());
    const lines = linesOf(round, consignment);
    const [removed] = lines.splice(random.int(0, lines.length - 1), 1);
    const changed = random.pick(lines);
    changed.count = decimalText(random.int(1, 60));
    changed.updated_at = at;
    changed.version = 0;
    consignment.updated_at = at;
    store.touchPlain("consignments", consignment);
    summary.consignmentEdits.push(consignment.id);
    summary.removedConsignmentProducts.push(`${consignment.id}/${removed.product_id}`);
  }
}

function deleteConsignments(round: MutationRound, count?: number): void {
  const { store, random, summary, tick } = round;
  const deletable = liveConsignments(round, (c) => c.status === "OPEN" || c.status === "CANCELLED");
  for (const consignment of sample(random, deletable, count)) {
    const at = isoUtc(tick());
    consignment.deleted_at = at;
    consignment.updated_at = at;
    store.touchPlain("consignments", consignment);
    summary.consignmentDeletes.push(consignment.id);
  }
}
