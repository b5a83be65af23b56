// What the tests expect PostgreSQL to hold for a record the store served, worked out here from
// the record itself: a mapping of its own, written from the tables' documented meaning, that
// shares nothing with the sync's validator, registry or SQL, so a bug there cannot cancel out.
import type { EntityName } from "../../supabase/functions/_shared/entities/registry.ts";

/** How a column reads its field: the JSON value's meaning, not the product's column kind. */
export type ValueType = "uuid" | "text" | "decimal" | "instant" | "day" | "flag" | "whole";

export type ColumnTypes = Readonly<Record<string, ValueType>>;

export interface ChildShape {
  /** The parent's array field, e.g. "line_items". */
  field: string;
  table: string;
  /** Column of the parent's id, and the field naming a child within its parent. */
  parentKey: string;
  key: string;
  /**
   * Served by its own endpoint, not in the parent: the dump lists it under `field` when asked
   * with `with=<field>`, and the parent's raw holds no such field.
   */
  subResource?: true;
  columns: ColumnTypes;
}

export interface TableShape {
  table: string;
  /** Typed columns besides id, version, deleted_at, raw and synced_at; each reads its namesake. */
  columns: ColumnTypes;
  children: readonly ChildShape[];
  /** The fields that tell records apart when they have no id (outlet taxes). Default: id. */
  key?: readonly string[];
}

const address = {
  physical_city: "text",
  physical_postcode: "text",
  physical_country_id: "text",
} as const;

export const tableShapes: Readonly<Record<EntityName, TableShape>> = {
  outlets: {
    table: "lightspeed_outlets",
    columns: {
      name: "text",
      time_zone: "text",
      currency: "text",
      currency_symbol: "text",
      display_prices: "text",
      email: "text",
      ...address,
    },
    children: [],
  },
  registers: {
    table: "lightspeed_registers",
    columns: {
      name: "text",
      outlet_id: "uuid",
      is_open: "flag",
      register_open_time: "instant",
      register_close_time: "instant",
      register_open_sequence_id: "text",
      invoice_prefix: "text",
      invoice_suffix: "text",
      invoice_sequence: "whole",
    },
    children: [],
  },
  customers: {
    table: "lightspeed_customers",
    columns: {
      ...address,
      customer_code: "text",
      first_name: "text",
      last_name: "text",
      name: "text",
      email: "text",
      phone: "text",
      mobile: "text",
      company_name: "text",
      customer_group_id: "uuid",
      gender: "text",
      date_of_birth: "day",
      note: "text",
      do_not_email: "flag",
      enable_loyalty: "flag",
      year_to_date: "decimal",
      balance: "decimal",
      loyalty_balance: "decimal",
      on_account_limit: "decimal",
      created_at: "instant",
      updated_at: "instant",
    },
    children: [],
  },
  products: {
    table: "lightspeed_products",
    columns: {
      name: "text",
      description: "text",
      handle: "text",
      sku: "text",
      source: "text",
      active: "flag",
      has_inventory: "flag",
      is_composite: "flag",
      has_variants: "flag",
      variant_parent_id: "uuid",
      variant_name: "text",
      price_including_tax: "decimal",
      price_excluding_tax: "decimal",
      supply_price: "decimal",
      supplier_id: "uuid",
      brand_id: "uuid",
      product_type_id: "uuid",
      image_url: "text",
      created_at: "instant",
      updated_at: "instant",
    },
    children: [],
  },
  sales: {
    table: "lightspeed_sales",
    columns: {
      outlet_id: "uuid",
      register_id: "uuid",
      user_id: "uuid",
      customer_id: "uuid",
      return_for: "uuid",
      invoice_number: "text",
      invoice_sequence: "whole",
      receipt_number: "text",
      short_code: "text",
      source: "text",
      source_id: "text",
      status: "text",
      note: "text",
      total_price: "decimal",
      total_tax: "decimal",
      total_loyalty: "decimal",
      sale_date: "instant",
      created_at: "instant",
      updated_at: "instant",
    },
    children: [
      {
        field: "line_items",
        table: "lightspeed_sale_line_items",
        parentKey: "sale_id",
        key: "id",
        columns: {
          product_id: "uuid",
          tax_id: "uuid",
          salesperson_id: "uuid",
          quantity: "decimal",
          price: "decimal",
          discount: "decimal",
          cost: "decimal",
          loyalty_value: "decimal",
          price_total: "decimal",
          discount_total: "decimal",
          cost_total: "decimal",
          tax_total: "decimal",
          price_set: "flag",
          is_return: "flag",
          sequence: "whole",
          note: "text",
          status: "text",
        },
      },
      {
        field: "payments",
        table: "lightspeed_sale_payments",
        parentKey: "sale_id",
        key: "id",
        columns: {
          register_id: "uuid",
          outlet_id: "uuid",
          retailer_payment_type_id: "uuid",
          payment_type_id: "text",
          name: "text",
          amount: "decimal",
          payment_date: "instant",
        },
      },
    ],
  },
  inventory: {
    table: "lightspeed_inventory",
    columns: {
      product_id: "uuid",
      outlet_id: "uuid",
      inventory_level: "decimal",
      current_amount: "decimal",
      average_cost: "decimal",
      reorder_point: "decimal",
      reorder_amount: "decimal",
    },
    children: [],
  },
  customer_groups: {
    table: "lightspeed_customer_groups",
    columns: { name: "text", group_id: "text" },
    children: [],
  },
  users: {
    table: "lightspeed_users",
    columns: {
      username: "text",
      display_name: "text",
      email: "text",
      account_type: "text",
      is_primary_user: "flag",
      restricted_outlet_id: "uuid",
      target_daily: "decimal",
      target_weekly: "decimal",
      target_monthly: "decimal",
      created_at: "instant",
      updated_at: "instant",
    },
    children: [],
  },
  taxes: {
    table: "lightspeed_taxes",
    columns: { name: "text", display_name: "text", is_default: "flag", rate: "decimal" },
    children: [],
  },
  payment_types: {
    table: "lightspeed_payment_types",
    columns: { name: "text", type_id: "whole" },
    children: [],
  },
  outlet_taxes: {
    table: "lightspeed_outlet_taxes",
    columns: { outlet_id: "uuid", product_id: "uuid", tax_id: "uuid" },
    children: [],
    key: ["outlet_id", "product_id"],
  },
  brands: {
    table: "lightspeed_brands",
    columns: { name: "text", description: "text" },
    children: [],
  },
  suppliers: {
    table: "lightspeed_suppliers",
    columns: { name: "text", description: "text", default_markup: "decimal" },
    children: [],
  },
  tags: { table: "lightspeed_tags", columns: { name: "text" }, children: [] },
  consignments: {
    table: "lightspeed_consignments",
    columns: {
      type: "text",
      status: "text",
      name: "text",
      reference: "text",
      supplier_invoice: "text",
      outlet_id: "uuid",
      source_outlet_id: "uuid",
      supplier_id: "uuid",
      consignment_date: "instant",
      due_at: "instant",
      received_at: "instant",
      total_count_gain: "decimal",
      total_cost_gain: "decimal",
      total_count_loss: "decimal",
      total_cost_loss: "decimal",
      created_at: "instant",
      updated_at: "instant",
    },
    children: [
      {
        field: "products",
        table: "lightspeed_consignment_products",
        parentKey: "consignment_id",
        key: "product_id",
        subResource: true,
        columns: {
          product_sku: "text",
          count: "decimal",
          received: "decimal",
          cost: "decimal",
          is_included: "flag",
          status: "text",
          created_at: "instant",
          updated_at: "instant",
          deleted_at: "instant",
          version: "whole",
        },
      },
    ],
  },
};

/** How a record is told apart: its id, or its key fields joined by "/"; null when it lacks one. */
export function recordIdentity(shape: TableShape, record: Record<string, unknown>): string | null {
  const parts = (shape.key ?? ["id"]).map((field) => record[field]);
  if (parts.some((part) => typeof part !== "string" || part === "")) return null;
  return parts.join("/");
}

/** A column's value: text for uuid, text, decimal, day and whole; epoch ms; or a boolean. */
export type CellValue = string | number | boolean | null;

const decimalShape = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The decimal as PostgreSQL's numeric prints it: the digits as written, trailing zeros of the
 * fraction kept (its scale), an exponent applied, no leading zeros and no sign on zero.
 */
export function canonicalDecimal(value: number | string): string {
  const text = String(value);
  const parts = decimalShape.exec(text);
  if (!parts || (parts[2] === "" && (parts[3] ?? "") === "")) {
    throw new Error(`Not a decimal: ${JSON.stringify(text)}`);
  }
  const [, sign, integer, fraction = "", exponentText = "0"] = parts;
  const exponent = Number(exponentText);
  const scale = Math.max(0, fraction.length - exponent);
  let digits = integer + fraction;
  let pointAt = integer.length + exponent;
  if (pointAt < 0) {
    digits = "0".repeat(-pointAt) + digits;
    pointAt = 0;
  }
  digits = digits.padEnd(pointAt + scale, "0");
  const whole = digits.slice(0, pointAt).replace(/^0+/, "") || "0";
  const text2 = scale > 0 ? `${whole}.${digits.slice(pointAt, pointAt + scale)}` : whole;
  return sign === "-" && /[1-9]/.test(text2) ? `-${text2}` : text2;
}

/** Epoch ms of an ISO 8601 time stamp; one without a zone is read as UTC. */
export function instantOf(text: string): number {
  let iso = text.replace(" ", "T");
  if (/T[\d:.]+$/.test(iso)) iso += "Z";
  // A short zone offset (+01, +0100) in full; a bare date's last hyphen is not one.
  if (iso.includes("T")) {
    iso = iso.replace(/([+-]\d{2})$/, "$1:00").replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`Not a time stamp: ${JSON.stringify(text)}`);
  return ms;
}

/** What a column must hold for the field's JSON value. An empty string is no value. */
export function expectedCell(type: ValueType, value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (type === "text") return typeof value === "number" ? canonicalDecimal(value) : String(value);
  if (value === "") return null;
  switch (type) {
    case "uuid":
      return String(value).toLowerCase();
    case "decimal":
      return canonicalDecimal(value as number | string);
    case "whole":
      return canonicalDecimal(value as number | string).replace(/\.0+$/, "");
    case "instant":
      return instantOf(String(value));
    case "day":
      return String(value).slice(0, 10);
    case "flag":
      return value === true || value === "true" || (typeof value === "number" && value !== 0);
  }
}

// Text PostgreSQL's jsonb cannot hold: NUL, and a UTF-16 surrogate without its partner.
const unstorableCharacter =
  // deno-lint-ignore no-control-regex -- NUL is exactly what it looks for
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Every string in the value, keys included. */
function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) { for (const item of value) yield* stringsIn(item); }
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* stringsIn(item);
    }
  }
}

/** True when a record holds text jsonb cannot store; the sync must reject it. */
export function holdsUnstorableText(record: unknown): boolean {
  for (const text of stringsIn(record)) {
    if (text.search(unstorableCharacter) >= 0) return true;
  }
  return false;
}

/**
 * The known transformation: a record jsonb cannot hold is kept in sync_rejects with each such
 * character replaced by U+FFFD, so the operator still sees which record it was.
 */
export function storableCopy(value: unknown): unknown {
  if (typeof value === "string") return value.replace(unstorableCharacter, "\ufffd");
  if (Array.isArray(value)) return value.map(storableCopy);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [storableCopy(key), storableCopy(item)]),
    );
  }
  return value;
}

/** JSON with object keys sorted: equal for equal values whatever the key order. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) =>
      typeof item === "object" && item !== null && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : item,
  );
}

/** The first place two JSON values differ, e.g. `.line_items[0].quantity: 2 vs 3`, or null. */
export function firstDifference(expected: unknown, actual: unknown, path = ""): string | null {
  if (Object.is(expected, actual)) return null;
  const bothObjects = typeof expected === "object" && expected !== null &&
    typeof actual === "object" && actual !== null &&
    Array.isArray(expected) === Array.isArray(actual);
  if (!bothObjects) return `${path || "."}: ${brief(expected)} vs ${brief(actual)}`;
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const where = Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`;
    if (!(key in a)) return `${where}: missing`;
    if (!(key in e)) return `${where}: not in the source`;
    const inner = firstDifference(e[key], a[key], where);
    if (inner) return inner;
  }
  return null;
}

/** A value shown in a mismatch line, cut short. */
export function brief(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
