import type { Catalog } from "./catalog.ts";
import { inventoryKey } from "./catalog.ts";
import { HOSTILE } from "./hostile_strings.ts";
import { lightspeedId } from "./ids.ts";
import { round2, round5 } from "./money.ts";
import type { SeededRandom } from "./random.ts";
import type { PlainRecord } from "./records.ts";
import type { ScaleCounts } from "./scale.ts";
import { DAY_MS, HISTORY_DAYS, isoDate, isoUtc, STORE_EPOCH_MS } from "./time.ts";

interface OutletTemplate {
  name: string;
  code: string;
  timeZone: string;
  utcOffsetHours: number;
  city: string;
  country: string;
  taxName: string;
  taxRate: number;
  displayPrices: "inclusive" | "exclusive";
}

const OUTLET_TEMPLATES: OutletTemplate[] = [
  {
    name: "Auckland Ponsonby",
    code: "AKL",
    timeZone: "Pacific/Auckland",
    utcOffsetHours: 12,
    city: "Auckland",
    country: "NZ",
    taxName: "GST",
    taxRate: 0.15,
    displayPrices: "inclusive",
  },
  {
    name: "New York SoHo",
    code: "NYC",
    timeZone: "America/New_York",
    utcOffsetHours: -5,
    city: "New York",
    country: "US",
    taxName: "NY Sales Tax",
    taxRate: 0.08875,
    displayPrices: "exclusive",
  },
  {
    name: "London Shoreditch",
    code: "LDN",
    timeZone: "Europe/London",
    utcOffsetHours: 0,
    city: "London",
    country: "GB",
    taxName: "VAT",
    taxRate: 0.2,
    displayPrices: "inclusive",
  },
  {
    name: "Sydney Surry Hills",
    code: "SYD",
    timeZone: "Australia/Sydney",
    utcOffsetHours: 10,
    city: "Sydney",
    country: "AU",
    taxName: "GST AU",
    taxRate: 0.1,
    displayPrices: "inclusive",
  },
  {
    name: "Los Angeles Venice",
    code: "LAX",
    timeZone: "America/Los_Angeles",
    utcOffsetHours: -8,
    city: "Los Angeles",
    country: "US",
    taxName: "CA Sales Tax",
    taxRate: 0.0975,
    displayPrices: "exclusive",
  },
];

const FIRST_NAMES = [
  "Aroha",
  "James",
  "Mei",
  "Olivia",
  "Noah",
  "Priya",
  "Liam",
  "Sofia",
  "Wiremu",
  "Chloe",
  "Mateo",
  "Hana",
  "Oliver",
  "Fatima",
  "Jack",
  "Zoë",
  "Ngaio",
  "Lucas",
  "Amelia",
  "Tāne",
];
const LAST_NAMES = [
  "Smith",
  "Ngata",
  "Chen",
  "Williams",
  "Patel",
  "García",
  "Brown",
  "Müller",
  "Tūhoe",
  "Kowalski",
  "O'Connor",
  "Nguyen",
  "Johnson",
  "Rossi",
  "Kim",
];
const STREETS = ["Ponsonby Rd", "Broadway", "High St", "Queen St", "Main St", "Church Lane"];
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
const PAYMENT_TYPE_NAMES: [string, string][] = [
  ["Cash", "1"],
  ["Credit Card", "3"],
  ["EFTPOS", "4"],
  ["Gift Card", "7"],
  ["Store Credit", "8"],
];

export interface CatalogOptions {
  outlets: number;
  registersPerOutlet: number;
  counts: ScaleCounts;
}

/** Builds outlets, registers, users, taxes, customers, products and inventory. */
export function generateCatalog(random: SeededRandom, options: CatalogOptions): Catalog {
  const historyStart = STORE_EPOCH_MS - HISTORY_DAYS * DAY_MS;
  const pastMs = () => historyStart - random.int(1, 400) * DAY_MS + random.int(0, DAY_MS);
  const recentMs = () => STORE_EPOCH_MS - random.int(0, HISTORY_DAYS * DAY_MS);
  const base = (createdMs: number, updatedMs = createdMs) => ({
    created_at: isoUtc(createdMs),
    updated_at: isoUtc(Math.max(createdMs, updatedMs)),
    deleted_at: null as string | null,
    version: 0,
  });

  const templates = Array.from(
    { length: options.outlets },
    (_, i) => OUTLET_TEMPLATES[i % OUTLET_TEMPLATES.length],
  );

  const taxes: PlainRecord[] = templates.map((t) => {
    const id = lightspeedId(random);
    return {
      id,
      name: t.taxName,
      display_name: `${t.taxName} ${round2(t.taxRate * 100)}%`,
      rate: t.taxRate,
      is_default: t === templates[0],
      active: true,
      rates: [{ id: lightspeedId(random), name: t.taxName, rate: t.taxRate }],
      ...base(pastMs()),
    };
  });
  taxes.push({
    id: lightspeedId(random),
    name: "No Tax",
    display_name: "No Tax 0%",
    rate: 0,
    is_default: false,
    active: true,
    rates: [{ id: lightspeedId(random), name: "No Tax", rate: 0 }],
    ...base(pastMs()),
  });

  const outlets: PlainRecord[] = templates.map((t, i) => ({
    id: lightspeedId(random),
    name: options.outlets > OUTLET_TEMPLATES.length ? `${t.name} ${i + 1}` : t.name,
    time_zone: t.timeZone,
    // X-Series sets the currency per retailer, so every outlet shares it.
    currency: "NZD",
    currency_symbol: "$",
    display_prices: t.displayPrices,
    email: `${t.code.toLowerCase()}@example-store.test`,
    default_tax_id: taxes[i].id,
    physical_address_1: `${random.int(1, 400)} ${random.pick(STREETS)}`,
    physical_address_2: null,
    physical_suburb: null,
    physical_city: t.city,
    physical_postcode: String(random.int(1000, 99999)),
    physical_state: null,
    physical_country_id: t.country,
    attributes: [{ key: "store_code", value: t.code }],
    ...base(pastMs()),
  }));

  const registers: PlainRecord[] = [];
  const registerOutletIndex: number[] = [];
  const registersByOutlet: number[][] = outlets.map(() => []);
  const paymentTypes: PlainRecord[] = PAYMENT_TYPE_NAMES.map(([name, typeId]) => ({
    id: lightspeedId(random),
    name,
    payment_type_id: typeId,
    config: null,
    ...base(pastMs()),
  }));
  outlets.forEach((outlet, outletIndex) => {
    for (let r = 0; r < options.registersPerOutlet; r++) {
      const openMs = STORE_EPOCH_MS - random.int(1, 10) * 3_600_000;
      registersByOutlet[outletIndex].push(registers.length);
      registerOutletIndex.push(outletIndex);
      registers.push({
        id: lightspeedId(random),
        name: r === 0 ? "Main Register" : `Register ${r + 1}`,
        outlet_id: outlet.id,
        is_open: true,
        register_open_time: isoUtc(openMs),
        register_close_time: null,
        register_open_sequence_id: lightspeedId(random),
        invoice_prefix: `${templates[outletIndex].code}${r + 1}-`,
        invoice_suffix: "",
        invoice_sequence: 1,
        print_receipt: true,
        email_receipt: r % 2 === 0,
        print_note_on_receipt: false,
        ask_for_note_on_save: 1,
        ask_for_user_on_sale: false,
        show_discounts_on_receipts: true,
        cash_managed_payment_type_id: paymentTypes[0].id,
        ...base(pastMs()),
      });
    }
  });

  const users: PlainRecord[] = [];
  for (let i = 0; i < options.counts.users; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    users.push({
      id: lightspeedId(random),
      username: `${first}.${last}${i}`.toLowerCase().replace(/[^a-z0-9.]/g, ""),
      display_name: `${first} ${last}`,
      email: `staff${i}@example-store.test`,
      account_type: i === 0 ? "admin" : random.pick(["manager", "cashier", "cashier"]),
      is_primary_user: i === 0,
      restricted_outlet_ids: i === 0 ? [] : [random.pick(outlets).id],
      target_daily: null,
      target_weekly: null,
      target_monthly: null,
      ...base(pastMs()),
    });
  }

  const customerGroups: PlainRecord[] = ["All Customers", "VIP", "Staff", "Wholesale"].map((
    name,
  ) => ({
    id: lightspeedId(random),
    name,
    group_id: name.toLowerCase().replace(/ /g, "_"),
    ...base(pastMs()),
  }));

  const customers: PlainRecord[] = [];
  for (let i = 0; i < options.counts.customers; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const createdMs = recentMs();
    const address = {
      address_1: `${random.int(1, 999)} ${random.pick(STREETS)}`,
      address_2: random.chance(0.2) ? `Unit ${random.int(1, 40)}` : null,
      suburb: random.chance(0.5) ? "Central" : null,
      city: random.pick(["Auckland", "New York", "London", "Wellington", "Brooklyn"]),
      postcode: String(random.int(1000, 99999)),
      state: null,
      country_id: random.pick(["NZ", "US", "GB"]),
    };
    const prefixed = (prefix: string) =>
      Object.fromEntries(Object.entries(address).map(([k, v]) => [`${prefix}_${k}`, v]));
    customers.push({
      id: lightspeedId(random),
      customer_code: `${first.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(5, "0")}`,
      first_name: first,
      last_name: last,
      name: `${first} ${last}`,
      email: random.chance(0.85) ? `customer${i}@example.test` : null,
      phone: random.chance(0.6) ? `+64 9 ${random.int(100, 999)} ${random.int(1000, 9999)}` : null,
      mobile: random.chance(0.7)
        ? `+64 21 ${random.int(100, 999)} ${random.int(1000, 9999)}`
        : null,
      company_name: random.chance(0.1) ? `${last} Ltd` : null,
      customer_group_id: random.chance(0.8) ? customerGroups[0].id : random.pick(customerGroups).id,
      gender: random.pick(["F", "M", "X", null]),
      date_of_birth: random.chance(0.6)
        ? isoDate(Date.UTC(random.int(1950, 2006), random.int(0, 11), random.int(1, 28)))
        : null,
      note: random.chance(0.1) ? "Prefers email receipts" : null,
      do_not_email: random.chance(0.2),
      enable_loyalty: random.chance(0.5),
      ...prefixed("physical"),
      ...prefixed("postal"),
      custom_field_1: random.chance(0.3) ? "newsletter" : null,
      custom_field_2: null,
      custom_field_3: null,
      custom_field_4: null,
      year_to_date: round2(random.next() * 2_000),
      balance: random.chance(0.1) ? round2(-random.next() * 300) : 0,
      loyalty_balance: round5(random.next() * 50),
      on_account_limit: random.chance(0.1) ? 500 : null,
      ...base(createdMs, createdMs + random.int(0, 60) * DAY_MS),
    });
  }

  const products: PlainRecord[] = [];
  const sellableProductIndexes: number[] = [];
  const brandIds = Array.from({ length: 6 }, () => lightspeedId(random));
  const supplierIds = Array.from({ length: 4 }, () => lightspeedId(random));
  const productTypeIds = Array.from({ length: 5 }, () => lightspeedId(random));
  const tagIds = Array.from({ length: 8 }, () => lightspeedId(random));
  const categories = PRODUCT_NOUNS.map((name) => ({ id: lightspeedId(random), name }));
  const makeProduct = (
    name: string,
    handle: string,
    sku: string,
    priceEx: number,
    extra: Partial<PlainRecord>,
  ): PlainRecord => {
    const createdMs = pastMs();
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
      supplier_id: random.pick(supplierIds),
      brand_id: random.pick(brandIds),
      product_type_id: random.pick(productTypeIds),
      tag_ids: random.chance(0.5) ? [random.pick(tagIds)] : [],
      categories: [random.pick(categories)],
      product_codes: [{ type: "UPC", code: String(random.int(100_000_000, 999_999_999)) + "012" }],
      image_url: random.chance(0.7)
        ? `https://images.example-cdn.test/products/${random.hex(12)}.jpg`
        : null,
      ...base(createdMs, createdMs + random.int(0, 200) * DAY_MS),
      ...extra,
    };
  };
  for (let g = 0; g < options.counts.productGroups; g++) {
    const name = `${random.pick(PRODUCT_ADJECTIVES)} ${random.pick(PRODUCT_NOUNS)}`;
    const handle = `${name.toLowerCase().replace(/ /g, "-")}-${g}`;
    const priceEx = round2(5 + random.next() * 150);
    if (!random.chance(0.3)) {
      sellableProductIndexes.push(products.length);
      products.push(makeProduct(name, handle, `SKU-${10_000 + g}`, priceEx, {}));
      continue;
    }
    const parent = makeProduct(name, handle, `SKU-${10_000 + g}`, priceEx, { has_variants: true });
    products.push(parent);
    const sizes = SIZES.slice(0, random.int(2, SIZES.length));
    const colours = COLOURS.slice(0, random.int(1, 3));
    for (const size of sizes) {
      for (const colour of colours) {
        sellableProductIndexes.push(products.length);
        products.push(makeProduct(name, handle, `SKU-${10_000 + g}-${size}-${colour}`, priceEx, {
          variant_parent_id: parent.id,
          variant_name: `${name} / ${size} / ${colour}`,
          variant_options: [{ name: "Size", value: size }, { name: "Colour", value: colour }],
        }));
      }
    }
  }

  seedHostileCatalogStrings(random, customers, products);

  const inventory: PlainRecord[] = [];
  const inventoryIndex = new Map<string, number>();
  for (const productIndex of sellableProductIndexes) {
    const product = products[productIndex];
    outlets.forEach((outlet, outletIndex) => {
      const level = random.chance(0.05) ? -random.int(1, 5) : random.int(0, 120);
      inventoryIndex.set(inventoryKey(productIndex, outletIndex), inventory.length);
      inventory.push({
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

  return {
    outlets,
    outletUtcOffsetHours: templates.map((t) => t.utcOffsetHours),
    outletTaxIndex: templates.map((_, i) => i),
    registers,
    registerOutletIndex,
    registersByOutlet,
    users,
    taxes,
    paymentTypes,
    customerGroups,
    customers,
    products,
    sellableProductIndexes,
    inventory,
    inventoryIndex,
  };
}

function seedHostileCatalogStrings(
  random: SeededRandom,
  customers: PlainRecord[],
  products: PlainRecord[],
): void {
  const customer = (n: number) => customers[(n * 7 + random.int(0, 2)) % customers.length];
  customer(1).first_name = HOSTILE.imgOnError;
  customer(2).last_name = HOSTILE.rightToLeft;
  customer(3).note = HOSTILE.longNote;
  customer(4).company_name = HOSTILE.quotes;
  customer(5).first_name = HOSTILE.emoji;
  customer(6).custom_field_1 = HOSTILE.scriptTag;
  const product = (n: number) => products[(n * 5 + random.int(0, 2)) % products.length];
  product(1).image_url = HOSTILE.javascriptUrl;
  product(2).description = `${HOSTILE.scriptTag}<p>${HOSTILE.imgOnError}</p>`;
  product(3).name = `${HOSTILE.emoji} ${HOSTILE.quotes}`;
  product(4).name = HOSTILE.rightToLeft;
}
