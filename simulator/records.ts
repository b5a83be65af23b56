/** Entities the simulator serves, under their Lightspeed plural names. */
export const ENTITY_NAMES = [
  "outlets",
  "registers",
  "users",
  "customer_groups",
  "customers",
  "products",
  "inventory",
  "taxes",
  "payment_types",
  "sales",
  "brands",
  "suppliers",
  "tags",
  "outlet_taxes",
  "consignments",
] as const;
export type EntityName = typeof ENTITY_NAMES[number];

export function isEntityName(value: string): value is EntityName {
  return (ENTITY_NAMES as readonly string[]).includes(value);
}

/**
 * Where Lightspeed accepts `deleted=true`, soft-deleted rows are hidden without it.
 * Elsewhere the param is ignored and rows carrying `deleted_at` are always listed
 * (Lightspeed's behaviour there is not established; listing them is the choice that lets a sync
 * see tombstones).
 */
export const ENTITIES_WITH_DELETED_PARAM: ReadonlySet<EntityName> = new Set([
  "outlets",
  "registers",
  "customer_groups",
  "customers",
  "products",
  "tags",
  "outlet_taxes",
]);

/** A record kept in the exact JSON shape the API serves; outlet taxes have no id. */
export interface CatalogRecord {
  version: number;
  deleted_at: string | null;
  [field: string]: unknown;
}

/** A catalog record with its Lightspeed id (every entity's but outlet taxes'). */
export interface PlainRecord extends CatalogRecord {
  id: string;
}

export type SaleStatus =
  | "SAVED"
  | "CLOSED"
  | "ONACCOUNT"
  | "LAYBY"
  | "ONACCOUNT_CLOSED"
  | "LAYBY_CLOSED"
  | "VOIDED";

/** A sale kept compactly (indexes into the catalog); rendered to JSON on demand. */
export interface SaleRow {
  id: string;
  outletIndex: number;
  registerIndex: number;
  userIndex: number;
  /** -1 when the sale has no customer. */
  customerIndex: number;
  invoiceSequence: number;
  shortCode: string;
  status: SaleStatus;
  saleDateMs: number;
  createdAtMs: number;
  updatedAtMs: number;
  deletedAtMs: number | null;
  version: number;
  note: string;
  returnFor: string | null;
  lines: LineRow[];
  payments: PaymentRow[];
}

export interface LineRow {
  id: string;
  productIndex: number;
  /** Negative on returns. */
  quantity: number;
  /** Unit price ex tax after discount. */
  price: number;
  discount: number;
  cost: number;
  loyaltyValue: number;
  status: "CONFIRMED" | "VOIDED" | "SAVED";
  note: string | null;
}

export interface PaymentRow {
  id: string;
  paymentTypeIndex: number;
  registerIndex: number;
  amount: number;
  dateMs: number;
}
