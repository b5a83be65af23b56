import type { Catalog } from "./catalog.ts";
import { buildConsignments } from "./catalog/consignments.ts";
import { buildCustomerGroups } from "./catalog/customer_groups.ts";
import { buildCustomers } from "./catalog/customers.ts";
import { seedHostileCatalogStrings } from "./catalog/hostile_records.ts";
import { buildInventory } from "./catalog/inventory.ts";
import { outletTemplates } from "./catalog/outlet_templates.ts";
import { buildOutlets } from "./catalog/outlets.ts";
import { buildPaymentTypes } from "./catalog/payment_types.ts";
import { buildOutletTaxes, buildProductLookups } from "./catalog/product_lookups.ts";
import { buildProducts } from "./catalog/products.ts";
import { buildRegisters } from "./catalog/registers.ts";
import { buildTaxes } from "./catalog/taxes.ts";
import { buildUsers } from "./catalog/users.ts";
import type { SeededRandom } from "./random.ts";
import type { ScaleCounts } from "./scale.ts";

export interface CatalogOptions {
  outlets: number;
  registersPerOutlet: number;
  counts: ScaleCounts;
}

/**
 * Builds outlets, registers, users, taxes, customers, products, inventory and what products point
 * at. The builders share one random stream, so their order here is part of what a seed produces:
 * keep it, and add new builders at the end.
 */
export function generateCatalog(random: SeededRandom, options: CatalogOptions): Catalog {
  const templates = outletTemplates(options.outlets);
  const taxes = buildTaxes(random, templates);
  const outlets = buildOutlets(random, templates, taxes);
  const paymentTypes = buildPaymentTypes(random);
  const registerSet = buildRegisters(
    random,
    outlets,
    templates,
    options.registersPerOutlet,
    paymentTypes[0],
  );
  const users = buildUsers(random, options.counts.users, outlets);
  const customerGroups = buildCustomerGroups(random);
  const customers = buildCustomers(random, options.counts.customers, customerGroups);
  const { references, ...productSet } = buildProducts(random, options.counts.productGroups);
  seedHostileCatalogStrings(random, customers, productSet.products);
  const inventorySet = buildInventory(
    random,
    productSet.products,
    productSet.sellableProductIndexes,
    outlets,
  );
  const outletTaxIndex = templates.map((_, i) => i);
  const outletTaxes = buildOutletTaxes(
    productSet.products,
    productSet.sellableProductIndexes,
    outlets,
    outletTaxIndex.map((taxIndex) => taxes[taxIndex].id),
  );
  const productLookups = buildProductLookups(random.fork("product lookups"), references);
  // On a stream of its own, forked last, so the collections above stay what they were.
  const consignmentSet = buildConsignments(
    random.fork("consignments"),
    productSet.products,
    productSet.sellableProductIndexes,
    outlets,
  );
  return {
    outlets,
    outletUtcOffsetHours: templates.map((t) => t.utcOffsetHours),
    outletTaxIndex,
    ...registerSet,
    users,
    taxes,
    paymentTypes,
    customerGroups,
    customers,
    ...productSet,
    ...inventorySet,
    ...productLookups,
    outletTaxes,
    ...consignmentSet,
  };
}
