// The one declarative list of what the product syncs. Generic code reads it for paging,
// validation and SQL; adding an entity is an entry here plus one migration for its tables and
// its row in public.sync_entities, the database's copy of this list (README, "Adding an
// entity"). registry_schema_test.ts fails when the tables or that row disagree with the entry.
import type { ColumnKind } from "./column_kinds.ts";
import type { WebhookType } from "./webhook_types.ts";

export interface ColumnSpec {
  kind: ColumnKind;
  /** Field name in the Lightspeed record when it differs from the column name. */
  from?: string;
}

export type ColumnMap = Readonly<Record<string, ColumnKind | ColumnSpec>>;

/**
 * Records of a parent stored in their own table and replaced as a set with it: embedded in the
 * parent (sale line items, payments), or fetched per parent from a sub-resource (consignment
 * products) when `path` is given (README, "Sub-resource children").
 */
export interface ChildCollection {
  /**
   * Array field of the parent record, e.g. "line_items". For a sub-resource, the field the
   * fetched records travel under while the page lands; it is never part of the parent's `raw`.
   */
  field: string;
  table: string;
  /** Column holding the parent's id. */
  parentKey: string;
  /**
   * The columns naming a child within its parent when its records have no `id` (consignment
   * products: product_id), as an entity's `key` (keyColumns). Default: `id`.
   */
  key?: readonly string[];
  /**
   * A sub-resource under /api/2.0 with `{id}` for the parent's id, e.g.
   * "/consignments/{id}/products": one request per parent whose version changed in this pass.
   */
  path?: string;
  columns: ColumnMap;
}

/** What an entity and a child collection share for keyColumns: a table, columns, a key. */
export interface Keyed {
  table: string;
  columns: ColumnMap;
  key?: readonly string[];
}

export interface EntityDefinition {
  /** Lightspeed's plural resource name, also the entity's name in this product. */
  name: string;
  /** What the dashboard calls it when the name with a capital is not right (entityLabel). */
  label?: string;
  /** Path under /api/2.0. */
  path: string;
  table: string;
  /** Whether the endpoint accepts `deleted=true` (otherwise soft-deleted rows never show). */
  supportsDeleted: boolean;
  /** Default page size, within Lightspeed's caps. */
  pageSize: number;
  /** Lightspeed's cap for this endpoint; a configured override is clamped to it. */
  maxPageSize: number;
  /** Typed columns besides id, version, deleted_at, raw and synced_at. */
  columns: ColumnMap;
  /**
   * The columns that identify a record when the endpoint's records have no `id` (outlet taxes:
   * outlet and product). Each is one of `columns`, required in every record and not null in the
   * table, whose primary key they are; the table then has no `id` column. Default: `id`. Not
   * for an entity with children, which find their parent by its id.
   */
  key?: readonly string[];
  children?: readonly ChildCollection[];
  /**
   * Lightspeed webhook types whose events start a pass of this entity (README § Near-real-time);
   * a type no entry lists is recorded but starts no pass.
   */
  webhookEvents?: readonly WebhookType[];
}

const addressColumns = {
  physical_city: "text",
  physical_postcode: "text",
  physical_country_id: "text",
} as const satisfies ColumnMap;

export const entityRegistry = [
  {
    name: "outlets",
    path: "/outlets",
    table: "lightspeed_outlets",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    columns: {
      name: "text",
      time_zone: "text",
      currency: "text",
      currency_symbol: "text",
      display_prices: "text",
      email: "text",
      ...addressColumns,
    },
  },
  {
    name: "registers",
    path: "/registers",
    table: "lightspeed_registers",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    // A closure changes the register's is_open and register_close_time.
    webhookEvents: ["register_closure.create"],
    columns: {
      name: "text",
      outlet_id: "uuid",
      is_open: "boolean",
      register_open_time: "timestamptz",
      register_close_time: "timestamptz",
      register_open_sequence_id: "text",
      invoice_prefix: "text",
      invoice_suffix: "text",
      invoice_sequence: "bigint",
    },
  },
  {
    name: "customers",
    path: "/customers",
    table: "lightspeed_customers",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    webhookEvents: ["customer.update"],
    columns: {
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
      date_of_birth: "date",
      note: "text",
      do_not_email: "boolean",
      enable_loyalty: "boolean",
      ...addressColumns,
      year_to_date: "numeric",
      balance: "numeric",
      loyalty_balance: "numeric",
      on_account_limit: "numeric",
      created_at: "timestamptz",
      updated_at: "timestamptz",
    },
  },
  {
    name: "products",
    path: "/products",
    table: "lightspeed_products",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    webhookEvents: ["product.update"],
    columns: {
      name: "text",
      description: "text",
      handle: "text",
      sku: "text",
      source: "text",
      active: "boolean",
      has_inventory: "boolean",
      is_composite: "boolean",
      has_variants: "boolean",
      variant_parent_id: "uuid",
      variant_name: "text",
      price_including_tax: "numeric",
      price_excluding_tax: "numeric",
      supply_price: "numeric",
      supplier_id: "uuid",
      brand_id: "uuid",
      product_type_id: "uuid",
      image_url: "text",
      created_at: "timestamptz",
      updated_at: "timestamptz",
    },
  },
  {
    name: "sales",
    path: "/sales",
    table: "lightspeed_sales",
    supportsDeleted: false,
    // Lightspeed caps sales pages at 500.
    pageSize: 500,
    maxPageSize: 500,
    webhookEvents: ["sale.update"],
    columns: {
      outlet_id: "uuid",
      register_id: "uuid",
      user_id: "uuid",
      customer_id: "uuid",
      invoice_number: "text",
      invoice_sequence: "bigint",
      receipt_number: "text",
      short_code: "text",
      source: "text",
      source_id: "text",
      status: "text",
      note: "text",
      return_for: "uuid",
      total_price: "numeric",
      total_tax: "numeric",
      total_loyalty: "numeric",
      sale_date: "timestamptz",
      created_at: "timestamptz",
      updated_at: "timestamptz",
    },
    children: [
      {
        field: "line_items",
        table: "lightspeed_sale_line_items",
        parentKey: "sale_id",
        columns: {
          product_id: "uuid",
          tax_id: "uuid",
          quantity: "numeric",
          price: "numeric",
          discount: "numeric",
          cost: "numeric",
          loyalty_value: "numeric",
          price_total: "numeric",
          discount_total: "numeric",
          cost_total: "numeric",
          tax_total: "numeric",
          price_set: "boolean",
          sequence: "integer",
          note: "text",
          status: "text",
          is_return: "boolean",
          salesperson_id: "uuid",
        },
      },
      {
        field: "payments",
        table: "lightspeed_sale_payments",
        parentKey: "sale_id",
        columns: {
          register_id: "uuid",
          outlet_id: "uuid",
          retailer_payment_type_id: "uuid",
          payment_type_id: "text",
          name: "text",
          amount: "numeric",
          payment_date: "timestamptz",
        },
      },
    ],
  },
  {
    name: "inventory",
    path: "/inventory",
    table: "lightspeed_inventory",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    webhookEvents: ["inventory.update"],
    columns: {
      product_id: "uuid",
      outlet_id: "uuid",
      inventory_level: "numeric",
      current_amount: "numeric",
      average_cost: "numeric",
      reorder_point: "numeric",
      reorder_amount: "numeric",
    },
  },
  // The lookups a report is labelled with (README "Tables"). Their columns follow the API 2.0
  // OpenAPI's component schemas; where a schema leaves a field out, the column says so below and
  // the record is kept whole in `raw` either way.
  {
    name: "customer_groups",
    path: "/customer_groups",
    table: "lightspeed_customer_groups",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    columns: { name: "text", group_id: "text" },
  },
  {
    name: "users",
    path: "/users",
    table: "lightspeed_users",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    columns: {
      username: "text",
      display_name: "text",
      email: "text",
      account_type: "text",
      is_primary_user: "boolean",
      restricted_outlet_id: "uuid",
      target_daily: "numeric",
      target_weekly: "numeric",
      target_monthly: "numeric",
      created_at: "timestamptz",
      updated_at: "timestamptz",
    },
  },
  {
    name: "taxes",
    path: "/taxes",
    table: "lightspeed_taxes",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    // The schema lists the rates only in `rates[]`; a top-level `rate` is unverified (null when
    // absent: read raw->'rates').
    columns: { name: "text", display_name: "text", is_default: "boolean", rate: "numeric" },
  },
  {
    name: "payment_types",
    path: "/payment_types",
    table: "lightspeed_payment_types",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    // type_id: Lightspeed's payment type number (1 cash, 3 credit card, ...).
    columns: { name: "text", type_id: "integer" },
  },
  {
    name: "outlet_taxes",
    path: "/outlet_taxes",
    table: "lightspeed_outlet_taxes",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    // Its records have no id: the tax a product takes in an outlet.
    key: ["outlet_id", "product_id"],
    columns: { outlet_id: "uuid", product_id: "uuid", tax_id: "uuid" },
  },
  {
    name: "brands",
    path: "/brands",
    table: "lightspeed_brands",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    // description: in the schema of a brand sent, unverified in a listed one.
    columns: { name: "text", description: "text" },
  },
  {
    name: "suppliers",
    path: "/suppliers",
    table: "lightspeed_suppliers",
    supportsDeleted: false,
    pageSize: 1000,
    maxPageSize: 10000,
    // description, default_markup: in the schema of a supplier sent, unverified in a listed one.
    columns: { name: "text", description: "text", default_markup: "numeric" },
  },
  {
    name: "tags",
    path: "/tags",
    table: "lightspeed_tags",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    columns: { name: "text" },
  },
  {
    // Stock orders (SUPPLIER), transfers (OUTLET), returns (RETURN) and stocktakes. Fields from
    // Lightspeed's API 2.0 OpenAPI, not yet seen on a live store (README, "Consignments").
    name: "consignments",
    path: "/consignments",
    table: "lightspeed_consignments",
    supportsDeleted: false,
    // Each changed consignment costs one products request: small pages land often.
    pageSize: 100,
    maxPageSize: 1000,
    // A consignment sent or received gets a new version; the pass re-reads from the cursor.
    webhookEvents: ["consignment.send", "consignment.receive"],
    columns: {
      type: "text",
      status: "text",
      name: "text",
      reference: "text",
      supplier_invoice: "text",
      outlet_id: "uuid",
      source_outlet_id: "uuid",
      supplier_id: "uuid",
      consignment_date: "timestamptz",
      due_at: "timestamptz",
      received_at: "timestamptz",
      total_count_gain: "numeric",
      total_cost_gain: "numeric",
      total_count_loss: "numeric",
      total_cost_loss: "numeric",
      created_at: "timestamptz",
      updated_at: "timestamptz",
    },
    children: [
      {
        path: "/consignments/{id}/products",
        field: "products",
        table: "lightspeed_consignment_products",
        parentKey: "consignment_id",
        // Records carry no id; a consignment lists each product once (its PUT and DELETE
        // address a product by product_id).
        key: ["product_id"],
        columns: {
          product_id: "uuid",
          product_sku: "text",
          count: "numeric",
          received: "numeric",
          cost: "numeric",
          is_included: "boolean",
          status: "text",
          created_at: "timestamptz",
          updated_at: "timestamptz",
          deleted_at: "timestamptz",
          version: "bigint",
        },
      },
    ],
  },
] as const satisfies readonly EntityDefinition[];

export type EntityName = (typeof entityRegistry)[number]["name"];

export const entityNames: readonly EntityName[] = entityRegistry.map((e) => e.name);

export function isEntityName(name: unknown): name is EntityName {
  return typeof name === "string" && (entityNames as readonly string[]).includes(name);
}

export function getEntity(name: EntityName): EntityDefinition {
  const entity = entityRegistry.find((e) => e.name === name);
  if (!entity) throw new Error(`Unknown entity "${name}"`);
  return entity;
}

/** What the dashboard calls the entity: its label, else its name with a capital and spaces. */
export function entityLabel(entity: EntityDefinition): string {
  if (entity.label) return entity.label;
  const words = entity.name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The page size to request: the configured override when given, within the endpoint's cap. */
export function pageSizeFor(entity: EntityDefinition, override?: number): number {
  return Math.min(override ?? entity.pageSize, entity.maxPageSize);
}

/** A column that identifies a record: its name, the record's field, and its kind. */
export interface KeyColumn {
  column: string;
  field: string;
  kind: ColumnKind;
}

const idKey: readonly KeyColumn[] = [{ column: "id", field: "id", kind: "uuid" }];

/**
 * What identifies the records of an entity or of a child collection (within its parent): `id`,
 * or the `key` columns of the entry.
 */
export function keyColumns(keyed: Keyed): readonly KeyColumn[] {
  if (!keyed.key) return idKey;
  return keyed.key.map((column) => {
    const raw = keyed.columns[column];
    if (raw === undefined) {
      throw new Error(`${keyed.table}: key column "${column}" is not a column`);
    }
    const spec = columnSpec(raw);
    return { column, field: spec.from ?? column, kind: spec.kind };
  });
}

/** A record's key as text: its key fields' values joined by "/", or null when one is missing. */
export function recordKeyText(
  key: readonly KeyColumn[],
  record: Readonly<Record<string, unknown>>,
): string | null {
  const parts: string[] = [];
  for (const { field } of key) {
    const value = record[field];
    if (typeof value !== "string" || value === "") return null;
    parts.push(value);
  }
  return parts.join("/");
}

/** The children fetched per parent from a sub-resource, not embedded in the parent. */
export function subResourceChildren(entity: EntityDefinition): ChildCollection[] {
  return (entity.children ?? []).filter((child) => child.path !== undefined);
}

export function columnSpec(spec: ColumnKind | ColumnSpec): ColumnSpec {
  return typeof spec === "string" ? { kind: spec } : spec;
}
