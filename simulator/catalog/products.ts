import { lightspeedId } from "../ids.ts";
import { round2, round5 } from "../money.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";
import { DAY_MS } from "../time.ts";
import { recordBase, setupTimeMs } from "./record_times.ts";

const PRODUCT_NOUNS = [
  "Tee",
  "Hoodie",
  "Beanie",
  "Tote Bag",
  "Mug",
  "Notebook",
  "Candle",
  "Sneakers",
  "Sunglasses",
  "Water Bottle",
  "Scarf",
  "Backpack",
  "Coffee Beans",
  "Tea Tin",
  "Socks",
];
const PRODUCT_ADJECTIVES = [
  "Classic",
  "Organic",
  "Vintage",
  "Merino",
  "Recycled",
  "Limited",
  "Everyday",
  "Heritage",
  "Coastal",
  "Alpine",
];
const SIZES = ["XS", "S", "M", "L", "XL"];
const COLOURS = ["Black", "White", "Navy", "Forest", "Rust", "Oat"];

export interface ProductSet {
  products: PlainRecord[];
  /** Products that can be sold: standalone ones and variant children, not parents. */
  sellableProductIndexes: number[];
}

/**
 * Ids products point at. Brands, suppliers and tags are served under these ids
 * (product_lookups.ts); product types and categories are not served.
 */
export interface ProductReferences {
  brandIds: string[];
  supplierIds: string[];
  productTypeIds: string[];
  tagIds: string[];
  categories: { id: string; name: string }[];
}

/** `groupCount` product groups: most a standalone product, some a family of variants. */
export function buildProducts(
  random: SeededRandom,
  groupCount: number,
): ProductSet & { references: ProductReferences } {
  const set: ProductSet = { products: [], sellableProductIndexes: [] };
  const references = productReferences(random);
  for (let g = 0; g < groupCount; g++) addProductGroup(random, references, g, set);
  return { ...set, references };
}

function productReferences(random: SeededRandom): ProductReferences {
  return {
    brandIds: Array.from({ length: 6 }, () => lightspeedId(random)),
    supplierIds: Array.from({ length: 4 }, () => lightspeedId(random)),
    productTypeIds: Array.from({ length: 5 }, () => lightspeedId(random)),
    tagIds: Array.from({ length: 8 }, () => lightspeedId(random)),
    categories: PRODUCT_NOUNS.map((name) => ({ id: lightspeedId(random), name })),
  };
}

/**
 * Adds group `g`: one sellable product, or (three in ten) a `has_variants` parent with a child
 * per size × colour.
 */
function addProductGroup(
  random: SeededRandom,
  references: ProductReferences,
  g: number,
  set: ProductSet,
): void {
  const { products, sellableProductIndexes } = set;
  const name = `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)}`;
  const handle = `${name.toLowerCase().replace(/ /g, "-")}-${g}`;
  const sku = `SKU-${10_000 + g}`;
  const priceEx = round2(5 + random.next() * 150);
  const make = (productSku: string, extra: Partial<PlainRecord>) =>
    buildProduct(random, references, { name, handle, sku: productSku, priceEx }, extra);
  if (!random.chance(0.3)) {
    sellableProductIndexes.push(products.length);
    products.push(make(sku, {}));
    return;
  }
  const parent = make(sku, { has_variants: true });
  products.push(parent);
  const sizes = SIZES.slice(0, random.int(2, SIZES.length));
  const colours = COLOURS.slice(0, random.int(1, 3));
  for (const size of sizes) {
    for (const colour of colours) {
      sellableProductIndexes.push(products.length);
      products.push(make(`${sku}-${size}-${colour}`, {
        variant_parent_id: parent.id,
        variant_name: `${name} / ${size} / ${colour}`,
        variant_options: [{ name: "Size", value: size }, { name: "Colour", value: colour }],
      }));
    }
  }
}

interface ProductBasics {
  name: string;
  handle: string;
  sku: string;
  /** Price excluding tax. */
  priceEx: number;
}

/** A standalone product record; `extra` overrides fields for variant parents and children. */
function buildProduct(
  random: SeededRandom,
  references: ProductReferences,
  { name, handle, sku, priceEx }: ProductBasics,
  extra: Partial<PlainRecord>,
): PlainRecord {
  const createdMs = setupTimeMs(random);
  return {
    id: lightspeedId(random),
    name,
    description: `<p>${name}. Made to last.</p>`,
    handle,
    sku,
    source: "USER",
    active: true,
    has_inventory: true,
    is_composite: false,
    has_variants: false,
    variant_parent_id: null,
    variant_name: null,
    variant_options: [],
    price_including_tax: round5(priceEx * 1.15),
    price_excluding_tax: priceEx,
    supply_price: round2(priceEx * (0.35 + random.next() * 0.25)),
    supplier_id: random.pick(references.supplierIds),
    brand_id: random.pick(references.brandIds),
    product_type_id: random.pick(references.productTypeIds),
    tag_ids: random.chance(0.5) ? [random.pick(references.tagIds)] : [],
    categories: [random.pick(references.categories)],
    product_codes: [{ type: "UPC", code: String(random.int(100_000_000, 999_999_999)) + "012" }],
    image_url: random.chance(0.7)
      ? `https://images.example-cdn.test/products/${random.hex(12)}.jpg`
      : null,
    ...recordBase(createdMs, createdMs + random.int(0, 200) * DAY_MS),
    ...extra,
  };
}
