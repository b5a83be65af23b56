// The records products and sales point at beyond the catalog's core: brands, suppliers and tags
// under the ids products carry (brand_id, supplier_id, tag_ids), and the tax each sellable
// product takes in each outlet, the same one its sales' line items carry (tax_id).
import { round2 } from "../money.ts";
import type { SeededRandom } from "../random.ts";
import type { CatalogRecord, PlainRecord } from "../records.ts";
import type { ProductReferences } from "./products.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

const BRAND_NAMES = [
  "Kōwhai & Co",
  "Northbound",
  "Salt Studio",
  "Fernwood",
  "Harbour Line",
  "Ōtaki",
];
const SUPPLIER_NAMES = [
  "Southern Cross Wholesale",
  "Atlas Trading Ltd",
  "Greenleaf Imports",
  "Pacific Goods Supply",
];
const TAG_NAMES = ["new", "sale", "gift", "bestseller", "eco", "limited", "winter", "summer"];

export interface ProductLookups {
  brands: PlainRecord[];
  suppliers: PlainRecord[];
  tags: PlainRecord[];
}

/** A record per referenced id, named in turn; fields as the API 2.0 schemas list them. */
export function buildProductLookups(
  random: SeededRandom,
  references: ProductReferences,
): ProductLookups {
  const nameOf = (names: string[], i: number) =>
    i < names.length ? names[i] : `${names[i % names.length]} ${Math.floor(i / names.length) + 1}`;
  return {
    brands: references.brandIds.map((id, i) => ({
      id,
      name: nameOf(BRAND_NAMES, i),
      description: random.chance(0.5) ? `${nameOf(BRAND_NAMES, i)}: made in small batches` : null,
      ...recordBase(setupTimeMs(random)),
    })),
    suppliers: references.supplierIds.map((id, i) => ({
      id,
      name: nameOf(SUPPLIER_NAMES, i),
      description: null,
      default_markup: round2(random.int(20, 120)),
      contact: {
        first_name: null,
        last_name: null,
        email: `orders${i}@supplier.example.test`,
        phone: `+64 9 ${random.int(300, 999)} ${random.int(1000, 9999)}`,
      },
      source: "USER",
      ...recordBase(setupTimeMs(random)),
    })),
    tags: references.tagIds.map((id, i) => ({
      id,
      name: nameOf(TAG_NAMES, i),
      ...recordBase(setupTimeMs(random)),
    })),
  };
}

/** One row per sellable product and outlet: the outlet's tax, which its sales charge. */
export function buildOutletTaxes(
  products: PlainRecord[],
  sellableProductIndexes: number[],
  outlets: PlainRecord[],
  outletTaxIds: string[],
): CatalogRecord[] {
  const rows: CatalogRecord[] = [];
  for (const productIndex of sellableProductIndexes) {
    outlets.forEach((outlet, outletIndex) => {
      rows.push({
        outlet_id: outlet.id,
        product_id: products[productIndex].id,
        tax_id: outletTaxIds[outletIndex],
        deleted_at: null,
        version: 0,
      });
    });
  }
  return rows;
}
