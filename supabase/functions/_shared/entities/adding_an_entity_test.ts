/// <reference lib="dom" />
// (The DOM lib types the evaluateAll callback, which runs in the browser.)
// Adding an entity is one registry entry plus one migration (README, "Adding an entity"). In a
// scratch copy of the repository this test adds the README's own example, a made-up `widgets`
// entity: the registry entry and the migration are the code blocks of that README section, and
// nothing else of the product is touched. Its database is a cluster of its own (the migrations
// schedule pg_cron jobs, which the shared cluster allows in its `postgres` database only). Then,
// with the copy's functions, stand-ins and dashboard over real HTTP and the simulator serving
// /widgets: import-history imports the widgets, the schedule's dispatcher (through the pg_net
// stand-in) syncs a change, an insert and a delete, health lists widgets, and a signed-in staff
// member sees its tile in Chromium.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../../../dashboard/chromium.ts";
import { join } from "../../../../dev/path_helpers.ts";
import { repoRoot } from "../../../../dev/paths.ts";
import {
  makeScratchCheckout,
  type ScratchCheckout,
} from "../../../../dev/testing/scratch_checkout.ts";
import {
  type PrivateCluster,
  startPrivateCluster,
} from "../../../../dev/testing/private_cluster.ts";
import { type RunningSimulator, startSimulator } from "../../../../simulator/mod.ts";
import { createDatabase, type Sql } from "../database.ts";
import { entityNames } from "./registry.ts";

type Modules = {
  migrations: typeof import("../../../../dev/db/migrations.ts");
  server: typeof import("../../../../dev/api/server.ts");
  pgNet: typeof import("../../../../dev/net_worker_local_stack.ts");
  keys: typeof import("../../../../dev/api/local_keys.ts");
  keyMode: typeof import("../../../../dev/api/key_mode.ts");
  users: typeof import("../../../../dev/api/auth/users.ts");
  build: typeof import("../../../../dashboard/build.ts");
  serve: typeof import("../../../../dashboard/serve.ts");
  registry: typeof import("./registry.ts");
};

const syncSecret = `scratch-sync-secret-${crypto.randomUUID()}`;
const migrationName = "29991231235959_create_lightspeed_widgets.sql";
const staff = { email: "widgets-staff@example.com", password: "widgets-staff-password" };

/** The README section's first `ts` block (the registry entry) and `sql` block (the migration). */
function readmeExample(): { entry: string; migration: string } {
  const readme = Deno.readTextFileSync(join(repoRoot, "README.md"));
  const section = readme.split("\n## Adding an entity\n")[1]?.split("\n## ")[0] ?? "";
  const block = (language: string) => {
    const code = new RegExp("```" + language + "\n([\\s\\S]*?)\n *```").exec(section)?.[1];
    assert.ok(code, `README's "Adding an entity" has no ${language} block`);
    return code.split("\n").map((line) => line.replace(/^ {3}/, "")).join("\n");
  };
  return { entry: block("ts"), migration: block("sql") };
}

/** The one registry entry and the one migration, and nothing else. */
async function addWidgets(scratch: ScratchCheckout): Promise<void> {
  const { entry, migration } = readmeExample();
  const registryFile = scratch.path("supabase/functions/_shared/entities/registry.ts");
  const registry = await Deno.readTextFile(registryFile);
  const end = "] as const satisfies readonly EntityDefinition[];";
  assert.equal(registry.split(end).length, 2, "the registry's list ends once");
  await Deno.writeTextFile(registryFile, registry.replace(end, `${entry}\n${end}`));
  await Deno.writeTextFile(scratch.path(`supabase/migrations/${migrationName}`), migration);
}

async function loadModules(scratch: ScratchCheckout): Promise<Modules> {
  const [migrations, server, pgNet, keys, keyMode, users, build, serve, registry] = await Promise
    .all([
      "dev/db/migrations.ts",
      "dev/api/server.ts",
      "dev/net_worker_local_stack.ts",
      "dev/api/local_keys.ts",
      "dev/api/key_mode.ts",
      "dev/api/auth/users.ts",
      "dashboard/build.ts",
      "dashboard/serve.ts",
      "supabase/functions/_shared/entities/registry.ts",
    ].map((file) => scratch.import<never>(file)));
  return { migrations, server, pgNet, keys, keyMode, users, build, serve, registry };
}

const widget = (n: number, fields: Record<string, unknown>) => ({
  id: `1000000${n}-0000-4000-8000-00000000000${n}`,
  ...fields,
});
const firstWidgets = [
  widget(1, {
    name: "Blue",
    price: 12.5,
    in_stock: true,
    released_at: "2025-03-01T10:15:00Z",
    weight: 250,
  }),
  widget(2, {
    name: "Green",
    price: 3,
    in_stock: false,
    released_at: "2025-04-02T08:00:00Z",
    weight: 40,
  }),
  widget(3, { name: "Red", price: 7.25, in_stock: true, released_at: null, weight: null }),
];

async function widgetRows(sql: Sql) {
  return (await sql`
    select name, price::text, in_stock, released_at, weight_grams, deleted_at is not null as deleted
    from public.lightspeed_widgets order by name`).map((row) => ({ ...row }));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting until ${what}`);
}

interface Stack {
  sql: Sql;
  apiUrl: string;
  simulator: RunningSimulator;
  modules: Modules;
}

async function importWidgets({ sql, apiUrl }: Stack): Promise<void> {
  const reply = await fetch(`${apiUrl}/functions/v1/import-history`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sync-secret": syncSecret },
    body: JSON.stringify({ entities: ["widgets"] }),
  });
  const body = await reply.json();
  assert.equal(reply.status, 202, JSON.stringify(body));
  assert.deepEqual(body.entities, ["widgets"]);
  await until("the widgets import completes", async () => {
    const [state] = await sql`select import_status from public.sync_state where entity = 'widgets'`;
    return state?.import_status === "completed" ? true : undefined;
  });
  assert.deepEqual(await widgetRows(sql), [
    {
      name: "Blue",
      price: "12.5",
      in_stock: true,
      released_at: new Date("2025-03-01T10:15:00Z"),
      weight_grams: 250,
      deleted: false,
    },
    {
      name: "Green",
      price: "3",
      in_stock: false,
      released_at: new Date("2025-04-02T08:00:00Z"),
      weight_grams: 40,
      deleted: false,
    },
    {
      name: "Red",
      price: "7.25",
      in_stock: true,
      released_at: null,
      weight_grams: null,
      deleted: false,
    },
  ]);
}

/** A change, an insert and a delete at the source, synced by the schedule's own dispatcher. */
async function syncOnSchedule({ sql, simulator }: Stack): Promise<void> {
  const changed = await fetch(`${simulator.controlUrl}/collections/widgets`, {
    method: "POST",
    body: JSON.stringify({
      records: [
        { ...firstWidgets[0], price: 15 },
        widget(4, { name: "Yellow", price: 1, in_stock: true, released_at: null, weight: 5 }),
      ],
      deletes: [firstWidgets[1].id],
    }),
  });
  assert.equal(changed.status, 200, await changed.text());
  // Widgets alone, so the dispatcher's calls are for it only; the settings row is the one the
  // migration's sync_entities row made.
  await sql`update public.sync_settings set enabled = (entity = 'widgets')`;
  await sql`update public.sync_schedule set enabled = true, incremental_every_minutes = 1`;
  // As pg_cron's job would, one slot later (the import ran in this one). Past the nightly hour
  // the call asks for the overlap re-read too, which a new entity has no earlier cursor for.
  // Only the scheduler's calls carry a call id here.
  await sql`select sync_private.dispatch_due_syncs(now() + interval '1 minute')`;
  const run = await until("a scheduled widgets run completes", async () => {
    const [row] = await sql`
      select status, records_received from public.sync_log
      where entity = 'widgets' and call_id is not null and status <> 'running'`;
    return row;
  });
  assert.deepEqual({ ...run }, { status: "completed", records_received: 3 });
  const rows = await widgetRows(sql);
  assert.deepEqual(rows.map((r) => [r.name, r.price, r.deleted]), [
    ["Blue", "15", false],
    ["Green", "3", true],
    ["Red", "7.25", false],
    ["Yellow", "1", false],
  ]);
}

async function assertHealthListsWidgets({ apiUrl }: Stack): Promise<void> {
  const reply = await fetch(`${apiUrl}/functions/v1/health`);
  const body = await reply.json();
  assert.equal(reply.status, 200, JSON.stringify(body));
  const widgets = body.entities.find((e: { entity: string }) => e.entity === "widgets");
  assert.deepEqual([widgets?.status, body.entities.at(-1)?.entity], ["green", "widgets"]);
}

async function assertDashboardTile(stack: Stack, browser: Browser, dashboardUrl: string) {
  await stack.modules.users.createLocalUser(stack.sql, staff.email, staff.password, {
    staff: true,
  });
  const page = await (await browser.newContext()).newPage();
  await page.goto(dashboardUrl);
  await page.getByLabel("Email").fill(staff.email);
  await page.getByLabel("Password").fill(staff.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const tile = page.locator('article.tile[data-entity="widgets"]');
  await tile.waitFor();
  assert.equal(await tile.locator("h3").textContent(), "Widgets");
  assert.equal(await tile.getAttribute("data-tone"), "green");
  assert.match((await tile.textContent())!, /Records3/);
  const tiles = await page.locator("article.tile").evaluateAll((all) =>
    all.map((el) => (el as HTMLElement).dataset.entity)
  );
  assert.equal(tiles.at(-1), "widgets", "the tile comes in the registry's order");
}

/** Output and success of a command run in the copy. */
async function runInCopy(scratch: ScratchCheckout, program: string, args: string[], url: string) {
  const run = await new Deno.Command(program, {
    args,
    cwd: scratch.root,
    env: { TEST_DATABASE_URL: url, NO_COLOR: "1" },
  }).output();
  const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  assert.ok(run.success, output);
  return output;
}

/**
 * The copy's own checks on the new database: the registry entry and the tables agree
 * (registry_schema_test.ts), and every relation, widgets' too, is staff-only (pgTAP).
 */
async function assertCopyChecksPass(scratch: ScratchCheckout, url: string) {
  const schema = await runInCopy(scratch, Deno.execPath(), [
    "test",
    "-A",
    "--no-check",
    "supabase/functions/_shared/entities/registry_schema_test.ts",
  ], url);
  assert.match(schema, /ok \| \d+ passed \| 0 failed/);
  const pgTap = await runInCopy(scratch, "pg_prove", [
    "--dbname",
    url,
    "supabase/tests/04_rls_every_relation_test.sql",
    "supabase/tests/35_sync_entities_test.sql",
  ], url);
  assert.match(pgTap, /Result: PASS/);
}

async function withStack(
  scratch: ScratchCheckout,
  cluster: PrivateCluster,
  run: (stack: Stack, dashboardUrl: string, browser: Browser) => Promise<void>,
) {
  const modules = await loadModules(scratch);
  await modules.migrations.applySupabaseBootstrap(cluster.url);
  await modules.migrations.applyMigrations(cluster.url);
  const sql = createDatabase(cluster.url, { max: 2 });
  const simulator = await startSimulator({ port: 0, seed: 11 });
  await fetch(`${simulator.controlUrl}/collections`, {
    method: "POST",
    body: JSON.stringify({ name: "widgets", records: firstWidgets }),
  }).then((r) => r.body?.cancel());
  const allowedOrigins: string[] = [];
  const api = modules.server.startLocalApi({
    port: 0,
    databaseUrl: cluster.url,
    allowedOrigins,
    functionsEnv: {
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: syncSecret,
    },
  });
  const pgNet = modules.pgNet.startLocalPgNet({
    databaseUrl: cluster.url,
    apiUrl: api.url,
    syncSecret,
    log: () => {},
  });
  const outDir = await Deno.makeTempDir({ prefix: "scratch-dashboard-" });
  let browser: Browser | null = null;
  let dashboard: { url: string; stop(): Promise<void> } | null = null;
  try {
    await pgNet.ready;
    await modules.build.buildDashboard({ outDir, quiet: true });
    dashboard = modules.serve.serveDashboard({
      port: 0,
      root: outDir,
      supabaseUrl: api.url,
      anonKey: modules.keyMode.browserKeyOf(api.keyMode, modules.keys.localKeys),
      refreshSeconds: 0,
    });
    allowedOrigins.push(dashboard.url);
    browser = await launchChromium();
    await run({ sql, apiUrl: api.url, simulator, modules }, dashboard.url, browser);
  } finally {
    await browser?.close();
    await dashboard?.stop();
    await pgNet.stop();
    await api.stop();
    await simulator.stop();
    await sql.end({ timeout: 5 });
    await Deno.remove(outDir, { recursive: true });
  }
}

Deno.test({
  name: "an entity added with one registry entry and one migration is imported, synced, in " +
    "health and on the dashboard",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    assert.ok(!entityNames.includes("widgets" as never), "widgets is the scratch copy's alone");
    const scratch = await makeScratchCheckout();
    let cluster: PrivateCluster | null = null;
    try {
      await addWidgets(scratch);
      cluster = await startPrivateCluster("adding-an-entity");
      await withStack(scratch, cluster, async (stack, dashboardUrl, browser) => {
        assert.equal(stack.modules.registry.entityNames.at(-1), "widgets");
        await assertCopyChecksPass(scratch, cluster!.url);
        await importWidgets(stack);
        await syncOnSchedule(stack);
        await assertHealthListsWidgets(stack);
        await assertDashboardTile(stack, browser, dashboardUrl);
      });
    } finally {
      await cluster?.remove();
      await scratch.remove();
    }
  },
});
