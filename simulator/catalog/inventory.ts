import { inventoryKey } from "../catalog.ts";
import { lightspeedId } from "../ids.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";

export interface InventorySet {
  inventory: PlainRecord[];
  /** Inventory row index per `inventoryKey(productIndex, outletIndex)`. */
  inventoryIndex: Map<string, number>;
}

/** A stock row per sellable product and outlet; about one in twenty is negative. */
export function buildInventory(
  random: SeededRandom,
  products: PlainRecord[],
  sellableProductIndexes: number[],
  outlets: PlainRecord[],
): InventorySet {
  const set: InventorySet = { inventory: [], inventoryIndex: new Map() };
  for (const productIndex of sellableProductIndexes) {
    const product = products[productIndex];
    outlets.forEach((outlet, outletIndex) => {
      const level = random.chance(0.05) ? -random.int(1, 5) : random.int(0, 120);
      set.inventoryIndex.set(inventoryKey(productIndex, outletIndex), set.inventory.length);
      set.inventory.push({
        id: lightspeedId(random),
        product_id: product.id,
        outlet_id: outlet.id,
        inventory_level: level,
        current_amount: level,
        reorder_point: random.pick([0, 5, 10]),
        reorder_amount: random.pick([0, 10, 20]),
        average_cost: product.supply_price,
        deleted_at: null,
        version: 0,
      });
    });
  }
  return set;
}
