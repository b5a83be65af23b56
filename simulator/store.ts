import type { Catalog } from "./catalog.ts";
import { ExtraCollections } from "./extra_collections.ts";
import type { ConsignmentProduct } from "./catalog/consignments.ts";
import { RawRecord, VersionFeed } from "./feed.ts";
import { generateCatalog } from "./generate_catalog.ts";
import { generateSales } from "./generate_sales.ts";
import { SeededRandom } from "./random.ts";
import type { InjectedRecord } from "./record_injection.ts";
import type { CatalogRecord, EntityName, SaleRow } from "./records.ts";
import { ENTITIES_WITH_DELETED_PARAM, ENTITY_NAMES } from "./records.ts";
import { renderSale } from "./render_sale.ts";
import { resolveScale, type ScaleOption } from "./scale.ts";
import { STORE_EPOCH_MS } from "./time.ts";
import { VersionClock } from "./version_clock.ts";

export interface StoreOptions {
  seed: number | string;
  scale: ScaleOption;
  /** Number of outlets (default 3), each in its own time zone. */
  outlets: number;
  /** Registers per outlet (default 3); the rate limit follows the total. */
  registers: number;
}

export interface PageQuery {
  after: number;
  before?: number;
  pageSize: number;
  includeDeleted: boolean;
}

export interface Page {
  data: unknown[];
  /** The real feed versions of `data`, even when a malformed record lies about its own. */
  versions: number[];
}

export interface EntityCount {
  records: number;
  deleted: number;
}

export interface StoreSummary {
  seed: number | string;
  scale: ScaleOption;
  entities: Record<EntityName, EntityCount>;
  saleLineItems: number;
  salePayments: number;
  maxVersion: number;
  registerCount: number;
}

type Feeds = { [E in EntityName]: VersionFeed<E extends "sales" ? SaleRow : CatalogRecord> };

/** The whole simulated store: generated catalog and sales, held in version feeds. */
export class SimulatorStore {
  readonly options: StoreOptions;
  readonly catalog: Catalog;
  readonly sales: SaleRow[];
  readonly salesById = new Map<string, SaleRow>();
  readonly clock: VersionClock;
  readonly feeds: Feeds;
  /** Simulated wall clock for changes, so a seed always yields the same timestamps. */
  nowMs = STORE_EPOCH_MS;
  /** Seeds unseeded mutation rounds, so they differ yet stay reproducible. */
  mutationRounds = 0;
  /** Every malformed or hostile record appended, and how, so a test knows what to expect. */
  readonly injected: InjectedRecord[] = [];
  /** Collections a test added beside the entities (extra_collections.ts). */
  readonly collections = new ExtraCollections(() => this.clock.next(), () => this.nowMs);
  /** Told of every change made after the store was built (the webhooks' source). */
  onChange: (entity: EntityName, record: unknown) => void = () => {};

  constructor(options: StoreOptions) {
    this.options = options;
    const random = new SeededRandom(options.seed);
    this.clock = new VersionClock(random.fork("versions"));
    this.catalog = generateCatalog(random.fork("catalog"), {
      outlets: options.outlets,
      registersPerOutlet: options.registers,
      counts: resolveScale(options.scale),
    });
    this.sales = generateSales(
      random.fork("sales"),
      this.catalog,
      resolveScale(options.scale).sales,
    );
    this.feeds = Object.fromEntries(
      ENTITY_NAMES.map((name) => [name, new VersionFeed()]),
    ) as unknown as Feeds;
    // In ENTITY_NAMES order, so entities added after sales take versions after its.
    for (const entity of ENTITY_NAMES) {
      if (entity === "sales") { for (const sale of this.sales) this.appendSale(sale); }
      else for (const record of this.plainRecords(entity)) this.appendPlain(entity, record);
    }
  }

  get registerCount(): number {
    return this.catalog.registers.filter((r) => r.deleted_at === null).length;
  }

  get maxVersion(): number {
    return this.clock.current;
  }

  /** The catalog array behind a plain entity. */
  plainRecords(entity: Exclude<EntityName, "sales">): CatalogRecord[] {
    const c = this.catalog;
    const byEntity: Record<Exclude<EntityName, "sales">, CatalogRecord[]> = {
      outlets: c.outlets,
      registers: c.registers,
      users: c.users,
      customer_groups: c.customerGroups,
      customers: c.customers,
      products: c.products,
      inventory: c.inventory,
      taxes: c.taxes,
      payment_types: c.paymentTypes,
      brands: c.brands,
      suppliers: c.suppliers,
      tags: c.tags,
      outlet_taxes: c.outletTaxes,
      consignments: c.consignments,
    };
    return byEntity[entity];
  }

  appendPlain(entity: Exclude<EntityName, "sales">, record: CatalogRecord): void {
    this.versionConsignmentProducts(entity, record);
    record.version = this.clock.next();
    this.feeds[entity].append(record.version, record);
    this.onChange(entity, record);
  }

  /**
   * A consignment's products get versions of their own, below the consignment's: a changed
   * line is part of its consignment's change (the simulator's choice, README "Chosen
   * behaviours"). Lines whose version is set already keep it.
   */
  versionConsignmentProducts(entity: EntityName, record: CatalogRecord): void {
    if (entity !== "consignments") return;
    for (const line of this.catalog.consignmentProducts.get(String(record.id)) ?? []) {
      if (line.version === 0) line.version = this.clock.next();
    }
  }

  /** The products of a consignment in ascending version, or undefined for an unknown id. */
  consignmentProducts(id: string): ConsignmentProduct[] | undefined {
    const lines = this.catalog.consignmentProducts.get(id);
    if (lines) return [...lines].sort((a, b) => a.version - b.version);
    // An injected (malformed or hostile) consignment is served with no products.
    const injected = this.injected.some((r) => r.entity === "consignments" && r.id === id);
    return injected ? [] : undefined;
  }

  /** Gives a changed record a new, higher version, moving it to the end of its feed. */
  touchPlain(entity: Exclude<EntityName, "sales">, record: CatalogRecord): void {
    const old = record.version;
    this.versionConsignmentProducts(entity, record);
    record.version = this.clock.next();
    this.feeds[entity].move(old, record.version, record);
    this.onChange(entity, record);
  }

  appendSale(sale: SaleRow): void {
    sale.version = this.clock.next();
    this.salesById.set(sale.id, sale);
    this.feeds.sales.append(sale.version, sale);
    this.onChange("sales", sale);
  }

  touchSale(sale: SaleRow): void {
    const old = sale.version;
    sale.version = this.clock.next();
    this.feeds.sales.move(old, sale.version, sale);
    this.onChange("sales", sale);
  }

  /** Adds a record served verbatim (malformed or hostile) at a real new version. */
  appendRaw(entity: EntityName, build: (version: number) => Record<string, unknown>): number {
    const version = this.clock.next();
    this.feeds[entity].append(version, new RawRecord(build(version)));
    return version;
  }

  page(entity: EntityName, query: PageQuery): Page {
    const hideDeleted = ENTITIES_WITH_DELETED_PARAM.has(entity) && !query.includeDeleted;
    const entries = (this.feeds[entity] as VersionFeed<unknown>).page({
      after: query.after,
      before: query.before,
      limit: query.pageSize,
      skip: hideDeleted ? (item) => isDeleted(item) : undefined,
    });
    return {
      data: entries.map((entry) => this.render(entity, entry.item)),
      versions: entries.map((entry) => entry.version),
    };
  }

  render(entity: EntityName, item: unknown): unknown {
    if (item instanceof RawRecord) return item.body;
    if (entity === "sales") return renderSale(this.catalog, item as SaleRow);
    return item;
  }

  /** Every current record of an entity, deleted ones included, ascending version. */
  *iterate(entity: EntityName): Generator<unknown> {
    // Snapshot first, so changes made while a dump streams cannot skip or repeat rows.
    const entries = [...(this.feeds[entity] as VersionFeed<unknown>).entries()];
    for (const entry of entries) yield this.render(entity, entry.item);
  }

  /** Every consignment as `iterate` renders it, with its products under "products". */
  *iterateConsignmentsWithProducts(): Generator<unknown> {
    for (const record of this.iterate("consignments")) {
      const id = (record as { id?: unknown }).id;
      const products = typeof id === "string" ? this.consignmentProducts(id) : undefined;
      yield { ...(record as object), products: products ?? [] };
    }
  }

  dump(entity: EntityName): unknown[] {
    return [...this.iterate(entity)];
  }

  findById(entity: EntityName, id: string): unknown {
    if (entity === "sales") {
      const sale = this.salesById.get(id);
      return sale ? renderSale(this.catalog, sale) : undefined;
    }
    return this.plainRecords(entity).find((record) => record.id === id);
  }

  summary(): StoreSummary {
    const entities = {} as Record<EntityName, EntityCount>;
    let saleLineItems = 0;
    let salePayments = 0;
    for (const entity of ENTITY_NAMES) {
      const count: EntityCount = { records: 0, deleted: 0 };
      for (const { item } of (this.feeds[entity] as VersionFeed<unknown>).entries()) {
        count.records++;
        if (isDeleted(item)) count.deleted++;
        if (entity !== "sales") continue;
        const lines = item instanceof RawRecord ? item.body.line_items : (item as SaleRow).lines;
        const payments = item instanceof RawRecord
          ? item.body.payments
          : (item as SaleRow).payments;
        if (Array.isArray(lines)) saleLineItems += lines.length;
        if (Array.isArray(payments)) salePayments += payments.length;
      }
      entities[entity] = count;
    }
    return {
      seed: this.options.seed,
      scale: this.options.scale,
      entities,
      saleLineItems,
      salePayments,
      maxVersion: this.maxVersion,
      registerCount: this.registerCount,
    };
  }
}

function isDeleted(item: unknown): boolean {
  if (item instanceof RawRecord) return item.body.deleted_at != null;
  const record = item as { deleted_at?: unknown; deletedAtMs?: unknown };
  if ("deletedAtMs" in record) return record.deletedAtMs !== null;
  return record.deleted_at != null;
}
