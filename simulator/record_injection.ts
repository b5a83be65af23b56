import { HOSTILE } from "./hostile_strings.ts";
import { lightspeedId } from "./ids.ts";
import { SeededRandom } from "./random.ts";
import type { EntityName } from "./records.ts";
import type { SimulatorStore } from "./store.ts";

export interface InjectedRecord {
  entity: EntityName;
  /** The real feed version the record sits at. */
  version: number;
  /** The id it carries, if any; for an outlet tax (no id), its `<outlet_id>/<product_id>`. */
  id: string | null;
  kind: string;
}

type Body = Record<string, unknown>;

const MALFORMED_KINDS = [
  "missing_id",
  "version_not_a_number",
  "id_not_a_uuid",
  "unexpected_fields",
  "wrong_number_type",
  "line_item_without_id",
  // Last, so counts up to 6 inject what they always did: jsonb cannot hold a NUL character.
  "nul_character",
] as const;

/**
 * Appends records that break the documented shape. They stay in the feed at real
 * versions, as a bad record at the source would, so a sync must get past them.
 */
export function injectMalformed(
  store: SimulatorStore,
  entity: EntityName,
  count: number,
): InjectedRecord[] {
  const random = new SeededRandom(`malformed:${store.maxVersion}`);
  const injected: InjectedRecord[] = [];
  for (let i = 0; i < count; i++) {
    let kind: string = MALFORMED_KINDS[i % MALFORMED_KINDS.length];
    if (kind === "line_item_without_id" && entity !== "sales") kind = "missing_id";
    let id: string | null = null;
    const version = store.appendRaw(entity, (realVersion) => {
      const body = freshCopy(store, entity, random, realVersion);
      switch (kind) {
        case "missing_id":
          delete body[identityField(entity)];
          break;
        case "version_not_a_number":
          body.version = "abc";
          break;
        case "id_not_a_uuid":
          body[identityField(entity)] = "not-a-uuid";
          break;
        case "unexpected_fields":
          body.unexpected_field = { nested: [1, "two", null] };
          body.another_new_field = 42;
          break;
        case "wrong_number_type":
          breakNumberType(entity, body);
          break;
        case "line_item_without_id": {
          const lines = body.line_items as Body[];
          if (lines.length > 0) delete lines[0].id;
          break;
        }
        case "nul_character":
          body.note = "before \u0000 after";
          break;
      }
      id = identityOf(entity, body);
      return body;
    });
    injected.push({ entity, version, id, kind });
  }
  store.injected.push(...injected);
  return injected;
}

/** Appends well-formed records whose strings are hostile (markup, RTL, emoji, 10k chars). */
export function injectHostile(
  store: SimulatorStore,
  entity: EntityName,
  count: number,
): InjectedRecord[] {
  const random = new SeededRandom(`hostile:${store.maxVersion}`);
  const injected: InjectedRecord[] = [];
  for (let i = 0; i < count; i++) {
    let id: string | null = null;
    const version = store.appendRaw(entity, (realVersion) => {
      const body = freshCopy(store, entity, random, realVersion);
      applyHostileStrings(entity, body, i);
      id = identityOf(entity, body);
      return body;
    });
    injected.push({ entity, version, id, kind: "hostile" });
  }
  store.injected.push(...injected);
  return injected;
}

/** A deep copy of a random existing record with fresh ids, so it is a new row downstream. */
function freshCopy(
  store: SimulatorStore,
  entity: EntityName,
  random: SeededRandom,
  version: number,
): Body {
  const sample = pickSample(store, entity, random);
  const body = structuredClone(sample) as Body;
  body[identityField(entity)] = lightspeedId(random);
  body.version = version;
  if ("deleted_at" in body) body.deleted_at = null;
  for (const key of ["line_items", "payments"]) {
    const children = body[key];
    if (Array.isArray(children)) { for (const child of children) child.id = lightspeedId(random); }
  }
  return body;
}

/**
 * The field that makes a record a row of its own: its id, or for an outlet tax, which has none
 * (keyed by outlet and product), its product.
 */
function identityField(entity: EntityName): string {
  return entity === "outlet_taxes" ? "product_id" : "id";
}

/** What the sync files a reject of this record under (its id, or outlet and product). */
function identityOf(entity: EntityName, body: Body): string | null {
  const field = identityField(entity);
  const value = body[field];
  if (typeof value !== "string") return null;
  return field === "id" ? value : `${body.outlet_id}/${value}`;
}

function pickSample(store: SimulatorStore, entity: EntityName, random: SeededRandom): unknown {
  if (entity === "sales") {
    return store.render("sales", store.sales[random.int(0, store.sales.length - 1)]);
  }
  const records = store.plainRecords(entity);
  return records[random.int(0, records.length - 1)];
}

function breakNumberType(entity: EntityName, body: Body): void {
  if (entity === "sales") {
    const lines = body.line_items as Body[];
    if (lines.length > 0) lines[0].quantity = "lots";
    body.total_price = "lots";
  } else if (entity === "inventory") {
    body.inventory_level = "lots";
  } else if (entity === "customers") {
    body.year_to_date = "lots";
  } else if (entity === "products") {
    body.price_including_tax = "lots";
  } else {
    body.version = { not: "a number" };
  }
}

function applyHostileStrings(entity: EntityName, body: Body, index: number): void {
  const name = [HOSTILE.imgOnError, HOSTILE.emoji, HOSTILE.rightToLeft, HOSTILE.quotes][index % 4];
  switch (entity) {
    case "customers":
      Object.assign(body, {
        first_name: HOSTILE.imgOnError,
        last_name: HOSTILE.rightToLeft,
        name: `${HOSTILE.emoji} ${HOSTILE.quotes}`,
        note: HOSTILE.longNote,
        company_name: HOSTILE.scriptTag,
      });
      break;
    case "products":
      Object.assign(body, {
        name,
        description: `${HOSTILE.scriptTag}${HOSTILE.imgOnError}`,
        image_url: HOSTILE.javascriptUrl,
        variant_name: HOSTILE.rightToLeft,
      });
      break;
    case "sales": {
      body.note = HOSTILE.longNote;
      const lines = body.line_items as Body[];
      if (lines.length > 0) lines[0].note = `${HOSTILE.scriptTag} ${HOSTILE.quotes}`;
      break;
    }
    default:
      if ("name" in body) body.name = name;
      if ("display_name" in body) body.display_name = HOSTILE.emoji;
  }
}
