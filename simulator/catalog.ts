import type { ConsignmentProduct } from "./catalog/consignments.ts";
import type { CatalogRecord, PlainRecord } from "./records.ts";

/** Everything a sale refers to; sales keep indexes into these arrays. */
export interface Catalog {
  outlets: PlainRecord[];
  /** Standard UTC offset in hours per outlet, used to put sales in opening hours. */
  outletUtcOffsetHours: number[];
  /** Index into `taxes` of each outlet's tax. */
  outletTaxIndex: number[];
  registers: PlainRecord[];
  registerOutletIndex: number[];
  registersByOutlet: number[][];
  users: PlainRecord[];
  taxes: PlainRecord[];
  paymentTypes: PlainRecord[];
  customerGroups: PlainRecord[];
  customers: PlainRecord[];
  products: PlainRecord[];
  /** Products that can be sold: standalone ones and variant children, not parents. */
  sellableProductIndexes: number[];
  inventory: PlainRecord[];
  /** What products point at: brand_id, supplier_id, tag_ids. */
  brands: PlainRecord[];
  suppliers: PlainRecord[];
  tags: PlainRecord[];
  /** The tax each sellable product takes in each outlet: the outlet's, as sales charge it. */
  outletTaxes: CatalogRecord[];
  /** Inventory row index per product index and outlet index (`-1` when none). */
  inventoryIndex: Map<string, number>;
  consignments: PlainRecord[];
  /** The products of each consignment (`/consignments/{id}/products`), by consignment id. */
  consignmentProducts: Map<string, ConsignmentProduct[]>;
}

export function inventoryKey(productIndex: number, outletIndex: number): string {
  return `${productIndex}:${outletIndex}`;
}
