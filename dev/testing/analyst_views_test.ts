// The analyst views (README "Analyst views") against an independent computation from the
// simulator's dump (expected_analytics.ts), to the 1/100,000th: a seeded store whose first
// outlet is in Pacific/Auckland, synced through the real sync-entity, with sales placed on
// both sides of daylight-saving changes in Auckland, New York and London.
import assert from "node:assert/strict";
import {
  type ExpectedAnalytics,
  expectedAnalytics,
  type Figures,
  localDay,
  type StoreDump,
  units,
} from "./expected_analytics.ts";
import { startSyncStack, type SyncStack } from "./sync_stack.ts";

// Outlet 0 is Auckland, 1 New York, 2 London (simulator/catalog/outlet_templates.ts).
const dstSales = [
  // Auckland, clocks back at 2025-04-05T14:00Z (03:00 NZDT → 02:00 NZST): a 25-hour day.
  { outlet: 0, at: "2025-04-05T10:59:59Z", auckland: "2025-04-05" },
  { outlet: 0, at: "2025-04-05T11:00:00Z", auckland: "2025-04-06" },
  { outlet: 0, at: "2025-04-05T13:30:00Z", auckland: "2025-04-06" },
  { outlet: 0, at: "2025-04-05T14:30:00Z", auckland: "2025-04-06" },
  // 23:30 NZST; a fixed +13 (the day's start) would call it 00:30 the next day.
  { outlet: 0, at: "2025-04-06T11:30:00Z", auckland: "2025-04-06" },
  { outlet: 0, at: "2025-04-06T12:00:00Z", auckland: "2025-04-07" },
  // Auckland, clocks forward at 2024-09-28T14:00Z: a 23-hour day.
  { outlet: 0, at: "2024-09-28T11:59:59Z", auckland: "2024-09-28" },
  { outlet: 0, at: "2024-09-28T12:00:00Z", auckland: "2024-09-29" },
  { outlet: 0, at: "2024-09-29T11:00:00Z", auckland: "2024-09-30" },
  // New York (2025-03-09) and London (2025-03-30) spring forward.
  { outlet: 1, at: "2025-03-09T04:59:59Z", newYork: "2025-03-08" },
  { outlet: 1, at: "2025-03-10T03:59:59Z", newYork: "2025-03-09" },
  { outlet: 2, at: "2025-03-30T22:59:59Z", london: "2025-03-30" },
  { outlet: 2, at: "2025-03-30T23:00:00Z", london: "2025-03-31" },
];

const amounts = {
  analytics_sales_daily: [
    "revenue_ex_tax",
    "tax",
    "revenue_inc_tax",
    "discounts",
    "returns_ex_tax",
  ],
  analytics_product_sales_daily: [
    "quantity",
    "revenue_ex_tax",
    "tax",
    "discounts",
    "cost",
    "margin",
  ],
  analytics_payments_daily: ["amount"],
  analytics_stock: ["inventory_level", "reorder_point"],
};
const counts = {
  analytics_sales_daily: ["sales", "return_sales"],
  analytics_product_sales_daily: ["lines", "estimated_cost_lines"],
  analytics_payments_daily: ["payments"],
  analytics_stock: ["needs_reorder"],
};
type ViewName = keyof typeof amounts;

async function dumpOf(stack: SyncStack): Promise<StoreDump> {
  const entity = async (name: string) => (await stack.control(`/dump?entity=${name}`)).data;
  return {
    outlets: await entity("outlets"),
    products: await entity("products"),
    sales: await entity("sales"),
    inventory: await entity("inventory"),
  };
}

async function syncAll(stack: SyncStack) {
  for (const entity of ["outlets", "products", "sales", "inventory"]) {
    for (let more = true; more;) {
      const reply = await stack.invoke("sync-entity", { entity });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.ok(["completed", "partial"].includes(reply.body.status), JSON.stringify(reply.body));
      more = reply.body.more;
    }
  }
}

function figuresOf(view: ViewName, row: Record<string, unknown>): Figures {
  const figures: Figures = {};
  for (const column of amounts[view]) figures[column] = units(row[column]);
  for (const column of counts[view]) figures[column] = Number(row[column]);
  return figures;
}

/** Every key of either side whose figures differ, with both sides, in dollars. */
function differences(view: ViewName, actual: Map<string, Figures>, expected: Map<string, Figures>) {
  const lines: string[] = [];
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(key);
    const e = expected.get(key);
    if (JSON.stringify(a) !== JSON.stringify(e && figuresOrder(view, e))) {
      lines.push(`${view} ${key}: view ${JSON.stringify(a)} expected ${JSON.stringify(e)}`);
    }
  }
  return lines;
}

/** The expected figures in the view's column order, so equal figures print equal. */
function figuresOrder(view: ViewName, figures: Figures): Figures {
  const ordered: Figures = {};
  for (const column of [...amounts[view], ...counts[view]]) ordered[column] = figures[column];
  return ordered;
}

async function viewFigures(stack: SyncStack, view: ViewName, key: string[]) {
  // As JSON, so a date reads as its yyyy-mm-dd whatever this process's time zone.
  const rows = await stack.sql.unsafe(`select to_jsonb(v) as row from public.${view} as v`);
  return new Map(rows.map(({ row }) => [
    key.map((column) => String(row[column])).join("|"),
    figuresOf(view, row),
  ]));
}

function assertSame(view: ViewName, actual: Map<string, Figures>, expected: ExpectedAnalytics) {
  const wanted = {
    analytics_sales_daily: expected.salesDaily,
    analytics_product_sales_daily: expected.productSalesDaily,
    analytics_payments_daily: expected.paymentsDaily,
    analytics_stock: expected.stock,
  }[view];
  assert.ok(wanted.size > 0, `${view}: nothing expected`);
  const lines = differences(view, actual, wanted);
  assert.deepEqual(lines.slice(0, 20), [], `${lines.length} differences`);
}

Deno.test({
  name: "analyst views: match an independent computation from the store's dump, DST days too",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startSyncStack({ simulator: { seed: 16, scale: "demo" } });
    const [schedule] = await stack.sql`select time_zone from public.sync_schedule`;
    try {
      // No setting: the store's zone is the first outlet's by name, Auckland.
      await stack.sql`update public.sync_schedule set time_zone = null`;
      await stack.control("/mutate", {
        seed: 1,
        voids: 4,
        laybyPayoffs: 2,
        salesAt: dstSales.map(({ outlet, at }) => ({ outlet, at })),
      });
      await syncAll(stack);
      // The oracle's own days, checked by hand for the instants around each change.
      for (const sale of dstSales) {
        const [zone, day] = sale.auckland
          ? ["Pacific/Auckland", sale.auckland]
          : sale.newYork
          ? ["America/New_York", sale.newYork]
          : ["Europe/London", sale.london!];
        assert.equal(localDay(sale.at, zone), day, `${sale.at} in ${zone}`);
      }
      const expected = expectedAnalytics(await dumpOf(stack), null);
      const [zone] = await stack.sql`select time_zone, source from public.sync_store_time_zone`;
      assert.deepEqual({ ...zone }, { time_zone: "Pacific/Auckland", source: "outlet" });

      const sales = await viewFigures(stack, "analytics_sales_daily", ["day", "outlet_id"]);
      assertSame("analytics_sales_daily", sales, expected);
      const [auckland] = await stack.sql`select id from public.lightspeed_outlets
        where time_zone = 'Pacific/Auckland'`;
      // The 25-hour and the 23-hour day hold the sales placed in them (and any of the store's).
      assert.ok(sales.get(`2025-04-06|${auckland.id}`)!.sales >= 4);
      assert.ok(sales.get(`2024-09-29|${auckland.id}`)!.sales >= 1);

      assertSame(
        "analytics_product_sales_daily",
        await viewFigures(stack, "analytics_product_sales_daily", [
          "day",
          "outlet_id",
          "product_id",
        ]),
        expected,
      );
      assertSame(
        "analytics_payments_daily",
        await viewFigures(stack, "analytics_payments_daily", [
          "day",
          "outlet_id",
          "retailer_payment_type_id",
          "payment_name",
        ]),
        expected,
      );
      const stock = await viewFigures(stack, "analytics_stock", ["product_id", "outlet_id"]);
      assertSame("analytics_stock", stock, expected);
      assert.ok([...stock.values()].some((row) => row.needs_reorder === 1), "some need reorder");
      assert.ok([...stock.values()].some((row) => row.needs_reorder === 0), "some do not");
    } finally {
      await stack.sql`update public.sync_schedule set time_zone = ${schedule.time_zone}`;
      await stack.stop();
    }
  },
});
