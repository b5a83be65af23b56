// What a Lightspeed webhook carries for a change: its type and a payload shaped like API 1.0
// (not 2.0), as the X-Series webhooks guide says: the product webhook's payload is what
// /api/1.0/product/{id} returns. The simulator renders the fields a receiver might look at;
// the sync treats every payload as a hint and re-reads the entity by version anyway.
import type { EntityName } from "./records.ts";

/** The seven types Lightspeed sends; the simulator emits the four it has entities for. */
export const WEBHOOK_TYPES = [
  "sale.update",
  "product.update",
  "customer.update",
  "inventory.update",
  "register_closure.create",
  "consignment.send",
  "consignment.receive",
] as const;
export type WebhookType = typeof WEBHOOK_TYPES[number];

export const WEBHOOK_TYPE_OF_ENTITY: Partial<Record<EntityName, WebhookType>> = {
  sales: "sale.update",
  products: "product.update",
  customers: "customer.update",
  inventory: "inventory.update",
};

type Json = Record<string, unknown>;

/** API 1.0 writes times as `YYYY-MM-DD HH:MM:SS` in UTC. */
function time10(value: unknown): unknown {
  return typeof value === "string" ? value.replace("T", " ").replace(/(\.\d+)?Z$/, "") : value;
}

/** The API 1.0 shape of a record the store rendered in 2.0 shape. */
export function apiOnePayload(entity: EntityName, record: Json): Json {
  switch (entity) {
    case "sales":
      return saleOne(record);
    case "products":
      return productOne(record);
    case "customers":
      return customerOne(record);
    case "inventory":
      return inventoryOne(record);
    default:
      return { id: record.id, version: record.version };
  }
}

function saleOne(sale: Json): Json {
  const lines = (sale.line_items ?? []) as Json[];
  const payments = (sale.payments ?? []) as Json[];
  return {
    id: sale.id,
    register_id: sale.register_id,
    outlet_id: sale.outlet_id,
    customer_id: sale.customer_id,
    user_id: sale.user_id,
    sale_date: time10(sale.sale_date),
    created_at: time10(sale.created_at),
    updated_at: time10(sale.updated_at),
    total_price: sale.total_price,
    total_tax: sale.total_tax,
    note: sale.note,
    status: sale.status,
    short_code: sale.short_code,
    invoice_number: sale.invoice_number,
    return_for: sale.return_for,
    version: sale.version,
    register_sale_products: lines.map((line) => ({
      id: line.id,
      product_id: line.product_id,
      quantity: line.quantity,
      price: line.price,
      discount: line.discount,
      tax: line.tax,
      tax_id: line.tax_id,
      status: line.status,
    })),
    register_sale_payments: payments.map((payment) => ({
      id: payment.id,
      payment_type_id: payment.payment_type_id,
      retailer_payment_type_id: payment.retailer_payment_type_id,
      name: payment.name,
      amount: payment.amount,
      payment_date: time10(payment.payment_date),
    })),
  };
}

function productOne(product: Json): Json {
  return {
    id: product.id,
    handle: product.handle,
    sku: product.sku,
    name: product.name,
    active: product.active,
    has_variants: product.has_variants,
    variant_parent_id: product.variant_parent_id ?? "",
    brand_id: product.brand_id,
    supplier_id: product.supplier_id,
    supply_price: product.supply_price,
    price: product.price_excluding_tax,
    updated_at: time10(product.updated_at),
    deleted_at: time10(product.deleted_at),
    version: product.version,
  };
}

function customerOne(customer: Json): Json {
  const name = [customer.first_name, customer.last_name].filter(Boolean).join(" ");
  return {
    id: customer.id,
    customer_code: customer.customer_code,
    name,
    first_name: customer.first_name,
    last_name: customer.last_name,
    email: customer.email,
    balance: customer.balance,
    loyalty_balance: customer.loyalty_balance,
    customer_group_id: customer.customer_group_id,
    updated_at: time10(customer.updated_at),
    deleted_at: time10(customer.deleted_at),
    version: customer.version,
  };
}

function inventoryOne(row: Json): Json {
  return {
    id: row.id,
    product_id: row.product_id,
    outlet_id: row.outlet_id,
    count: row.inventory_level,
    reorder_point: row.reorder_point,
    restock_level: row.reorder_amount,
    version: row.version,
  };
}
