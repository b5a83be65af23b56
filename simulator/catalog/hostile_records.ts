import { HOSTILE } from "../hostile_strings.ts";
import type { SeededRandom } from "../random.ts";
import type { PlainRecord } from "../records.ts";

/** Puts hostile strings into a few customers and products, so every sync meets them. */
export function seedHostileCatalogStrings(
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
