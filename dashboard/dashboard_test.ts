/// <reference lib="dom" />
// (The DOM lib types the page.evaluate callbacks, which run in the browser.)
// Browser acceptance test: Debian chromium driven by playwright-core against the built
// dashboard, the local auth/REST stand-ins and a seeded database. Screenshots land in
// test-artifacts/ (git-ignored).
//
// "Sync now" calls the real functions (served on the same origin, as `supabase start` does)
// against a simulated store, with the signed-in staff member's JWT. Hostile strings reach the
// page two ways: served by the simulator and synced by sync-entity (rejected records and a
// failed run's error), and seeded into the tables for what a sync cannot produce (markup in a
// reject's reason, a run history to page through, the four tile colours at once).
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import {
  startTestStack,
  testDatabaseUrl,
  type TestStack,
  uniqueSuffix,
} from "../dev/api/auth/test_stack.ts";
import { createLocalUser, deleteLocalUser } from "../dev/api/auth/users.ts";
import { withJobsPaused } from "../dev/ops/scheduled_job.ts";
import { functionsKeyEnv } from "../dev/api/key_mode.ts";
import { localKeys, localPublishableKey } from "../dev/api/local_keys.ts";
import { join } from "../dev/path_helpers.ts";
import { buildDashboard, dashboardDir } from "./build.ts";
import { createFunctionsRouter } from "../dev/api/functions_router.ts";
import { HOSTILE, type RunningSimulator, startSimulator } from "../simulator/mod.ts";
import {
  entityLabel,
  entityNames,
  entityRegistry,
  isEntityName,
} from "../supabase/functions/_shared/entities/registry.ts";
import { type DashboardServer, serveDashboard } from "./serve.ts";
import { launchChromium } from "./chromium.ts";

const artifacts = join(dashboardDir, "..", "test-artifacts");

const hostile = {
  img: `<img src=x onerror="window.__xss=1;alert('img')">`,
  script: `<script>window.__xss=2;alert('script')</script>`,
  js: "javascript:alert(document.domain)",
};
const hostileError = `${hostile.img} then ${hostile.script} see ${hostile.js}`;

/** The store's zone the tests set, and a browser's zone on the other side of UTC. */
const storeZone = "Pacific/Auckland";
const browserZone = "America/Los_Angeles";

interface ScheduleSnapshot {
  enabled: boolean;
  time_zone: string | null;
  incremental_every_minutes: number;
  nightly_hour: number;
}

interface World {
  stack: TestStack;
  dashboard: DashboardServer;
  /** Where the built dashboard is served from. */
  outDir: string;
  browser: Browser;
  suffix: string;
  entities: { green: string; yellow: string; red: string; failing: string };
  staff: { email: string; password: string };
  visitor: { email: string; password: string };
  simulator: RunningSimulator;
  /** The store day (yyyy-mm-dd, Pacific/Auckland) of e.red's run at 23:30 UTC three days ago. */
  lateRunDay: string;
  /** The shared sync_schedule row before the test, put back afterwards. */
  schedule: ScheduleSnapshot | null;
}

/** Forgets every outlets sync, so "Sync now" starts from a store never synced. */
async function forgetOutlets(sql: TestStack["sql"]) {
  await sql`delete from sync_rejects where entity = 'outlets'`;
  await sql`delete from sync_log where entity = 'outlets'`;
  await sql`delete from sync_state where entity = 'outlets'`;
  await sql`delete from lightspeed_outlets`;
}

async function seed(world: World) {
  const { sql } = world.stack;
  const e = world.entities;
  // Other suites share this database.
  await forgetOutlets(sql);
  const [schedule] = await sql<ScheduleSnapshot[]>`
    select enabled, time_zone, incremental_every_minutes, nightly_hour from sync_schedule`;
  world.schedule = schedule ?? null;
  // The colours show only while the schedule is on (off is its own state); pg_cron's jobs are
  // paused for the test (withWorld), so nothing is dispatched meanwhile. The store is in
  // Auckland, so its days are neither UTC's nor a Los Angeles browser's.
  await sql`update sync_schedule set enabled = true, time_zone = ${storeZone}`;
  await createLocalUser(sql, world.staff.email, world.staff.password, { staff: true });
  await createLocalUser(sql, world.visitor.email, world.visitor.password, { staff: false });
  await sql`
    insert into sync_settings (entity, yellow_after, red_after)
    select unnest(${[e.green, e.yellow, e.red, e.failing]}::text[]), '2 hours', '12 hours'`;
  await sql`
    insert into sync_state (entity, cursor, last_status, last_success_at, last_run_at, last_error,
      import_status, import_started_at, import_records, import_pages) values
    (${e.green}, 4200, 'completed', now() - interval '4 minutes', now() - interval '4 minutes',
      null, 'running', now() - interval '20 minutes', 12500, 25),
    (${e.yellow}, 300, 'completed', now() - interval '3 hours', now() - interval '3 hours', null,
      null, null, 0, 0),
    (${e.red}, 77, 'completed', now() - interval '2 days', now() - interval '2 days', null, null,
      null, 0, 0),
    (${e.failing}, 9001, 'failed', now() - interval '20 minutes', now() - interval '1 minute',
      ${hostileError}, null, null, 0, 0)`;
  // 30 completed runs for paging, two failures with hostile errors, one old run for dates.
  await sql`
    insert into sync_log (entity, trigger, status, started_at, finished_at, duration_ms, pages,
      records_received, records_inserted, records_updated)
    select ${e.green}, 'schedule', 'completed', now() - make_interval(hours => i * 3),
      now() - make_interval(hours => i * 3) + interval '2 seconds', 1500 + i * 100, 1, 10 * i,
      5 * i, 2 * i
    from generate_series(1, 30) as i`;
  await sql`
    insert into sync_log (entity, trigger, status, started_at, finished_at, duration_ms, error)
    values
      (${e.failing}, 'schedule', 'failed', now() - interval '1 hour', now() - interval '59 minutes',
        900, ${hostileError}),
      (${e.failing}, 'schedule', 'failed', now() - interval '1 minute', now(), 700, ${hostile.js}),
      (${e.yellow}, 'schedule', 'completed', now() - interval '10 days',
        now() - interval '10 days', 5000, null)`;
  // Late on a UTC day: in Auckland it is already the next day, in Los Angeles still the same.
  const [late] = await sql`
    insert into sync_log (entity, trigger, status, started_at, finished_at, duration_ms)
    select ${e.red}, 'schedule', 'completed', t, t + interval '5 seconds', 4321
    from (select (date_trunc('day', now() at time zone 'UTC') - interval '3 days'
      + interval '23 hours 30 minutes') at time zone 'UTC' as t) as late
    returning to_char(started_at at time zone ${storeZone}, 'YYYY-MM-DD') as day`;
  world.lateRunDay = late.day;
  await sql`
    insert into sync_rejects (entity, record_id, version, reason, raw) values
      (${e.failing}, 'rec-1', 12, ${`bad price ${hostile.img}`},
        ${sql.json({ name: hostile.script, website: hostile.js, note: hostile.img })}),
      (${e.failing}, 'rec-2', 13, 'missing id', ${sql.json({ id: null })})`;
}

async function cleanup(world: World) {
  const { sql } = world.stack;
  const names = Object.values(world.entities);
  await sql`delete from sync_rejects where entity in ${sql(names)}`;
  await sql`delete from sync_log where entity in ${sql(names)}`;
  await sql`delete from sync_state where entity in ${sql(names)}`;
  await sql`delete from sync_settings where entity in ${sql(names)}`;
  await forgetOutlets(sql);
  await sql`update sync_import_chain set token = null, import_id = null, started_at = null,
    seen_at = null, handovers = 0, ended_at = null`;
  if (world.schedule) {
    await sql`update sync_schedule set ${
      sql(world.schedule, "enabled", "time_zone", "incremental_every_minutes", "nightly_hour")
    }`;
  }
  await deleteLocalUser(sql, world.staff.email);
  await deleteLocalUser(sql, world.visitor.email);
}

async function withWorld(run: (world: World) => Promise<void>) {
  const suffix = uniqueSuffix();
  const simulator = await startSimulator({ port: 0, seed: 7, scale: "demo" });
  // Read on the first function call, once the stack's URL is known.
  const functionsEnv: Record<string, string> = {
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: simulator.token,
    SYNC_SECRET: crypto.randomUUID(),
    SUPABASE_DB_URL: testDatabaseUrl,
    // A project with new keys only: the legacy anon key is disabled, as after the switch.
    ...functionsKeyEnv("new", localKeys),
    LIGHTSPEED_REGISTER_COUNT: "9",
  };
  const functions = createFunctionsRouter(functionsEnv);
  // The API answers browsers from the dashboard's origin only, known once it is served.
  const allowedOrigins: string[] = [];
  const stack = await startTestStack({
    keyMode: "new",
    allowedOrigins,
    extra: (req) => {
      const name = new URL(req.url).pathname.match(/^\/functions\/v1\/([a-z-]+)$/)?.[1];
      return name ? functions.handle(req, name) : Promise.resolve(null);
    },
  });
  functionsEnv.SUPABASE_URL = stack.url;
  const outDir = await Deno.makeTempDir({ prefix: "dashboard-dist-" });
  const world: World = {
    stack,
    dashboard: null as unknown as DashboardServer,
    outDir,
    browser: null as unknown as Browser,
    suffix,
    entities: {
      green: `e2e_green_${suffix}`,
      yellow: `e2e_yellow_${suffix}`,
      red: `e2e_red_${suffix}`,
      failing: `e2e_failing_${suffix}`,
    },
    staff: { email: `e2e-staff-${suffix}@example.com`, password: "staff-pass-123" },
    visitor: { email: `e2e-visitor-${suffix}@example.com`, password: "visitor-pass-123" },
    simulator,
    lateRunDay: "",
    schedule: null,
  };
  try {
    await buildDashboard({ outDir, quiet: true });
    world.dashboard = serveDashboard({
      port: 0,
      anonKey: localPublishableKey,
      root: outDir,
      supabaseUrl: stack.url,
      functionsUrl: `${stack.url}/functions/v1`,
      refreshSeconds: 0,
    });
    allowedOrigins.push(world.dashboard.url);
    world.browser = await launchChromium();
    await Deno.mkdir(artifacts, { recursive: true });
    await withJobsPaused(stack.sql, async () => {
      try {
        await seed(world);
        await run(world);
      } finally {
        await cleanup(world).catch((error) => console.error("cleanup failed:", error));
      }
    });
  } finally {
    await world.browser?.close();
    await world.dashboard?.stop();
    await stack.close();
    await functions.close();
    await simulator.stop();
    await Deno.remove(outDir, { recursive: true });
  }
}

/** A page that records every dialog, page error and CSP violation. */
async function watchedPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; timezoneId?: string } = {},
) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    timezoneId: options.timezoneId,
  });
  const page = await context.newPage();
  const incidents: string[] = [];
  page.on("dialog", (dialog) => {
    incidents.push(`dialog: ${dialog.message()}`);
    // audit-allow: swallowed-error recorded above; a closing page may dismiss it first
    dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (error) => incidents.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      incidents.push(`csp: ${message.text()}`);
    }
  });
  return { page, incidents, context };
}

async function signIn(page: Page, url: string, login: { email: string; password: string }) {
  await page.goto(url);
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password").fill(login.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** POSTs to the simulator's control API (faults, resets); throws on any refusal. */
async function controlSimulator(simulator: RunningSimulator, path: string, body: unknown) {
  const response = await fetch(`${simulator.controlUrl}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  const reply = await response.json();
  assert.ok(response.ok, JSON.stringify(reply));
  return reply;
}

async function assertInert(page: Page, incidents: string[]) {
  const state = await page.evaluate(() => ({
    xss: (globalThis as { __xss?: unknown }).__xss ?? null,
    images: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length,
    jsLinks: [...document.querySelectorAll("a")].filter((a) =>
      !/^https?:|^#/.test(a.href) &&
      a.getAttribute("href") !== null && !a.getAttribute("href")!.startsWith("#")
    ).length,
  }));
  assert.deepEqual(state, { xss: null, images: 0, scripts: 1, jsLinks: 0 });
  assert.deepEqual(incidents, []);
}

Deno.test({
  name: "dashboard: staff see coloured tiles, history, rejects and settings; nothing executes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      // West of UTC, the store east of it: the store's, UTC's and the browser's days all differ.
      const { page, incidents } = await watchedPage(world.browser, {
        timezoneId: browserZone,
      });
      const e = world.entities;
      const tile = (entity: string) => page.locator(`article.tile[data-entity="${entity}"]`);

      // Wrong password first: a clear message, no data.
      await signIn(page, world.dashboard.url, { ...world.staff, password: "wrong-password" });
      await page.getByText("Wrong email or password.").waitFor();

      // Two webhook events for the green entity, three minutes ago; none for the others.
      await world.stack.sql`insert into public.webhook_events
        (type, entity, record_id, version, first_received_at, last_received_at)
        select 'product.update', ${e.green}, 'record-' || n, n, now() - interval '3 minutes',
          now() - interval '3 minutes'
        from generate_series(1, 2) as n`;
      await signIn(page, world.dashboard.url, world.staff);
      await tile(e.failing).waitFor();
      const tones = Object.fromEntries(
        await Promise.all(
          Object.entries(e).map(async (
            [k, name],
          ) => [k, await tile(name).getAttribute("data-tone")]),
        ),
      );
      assert.deepEqual(tones, { green: "green", yellow: "yellow", red: "red", failing: "failing" });
      assert.equal(await tile(e.green).locator(".badge").textContent(), "Healthy");
      assert.equal(await tile(e.yellow).locator(".badge").textContent(), "Behind");
      assert.equal(await tile(e.red).locator(".badge").textContent(), "Stale");
      assert.equal(await tile(e.failing).locator(".badge").textContent(), "Failing");
      // Every registered entity has its tile under its label ("Payment types", "Outlet taxes").
      for (const entity of entityRegistry) {
        assert.equal(await tile(entity.name).locator("h3").textContent(), entityLabel(entity));
      }
      const greenText = await tile(e.green).textContent();
      assert.match(greenText!, /4 min ago/);
      assert.match(greenText!, /4200/);
      assert.match(greenText!, /Import running: 12,500 records in 25 pages/);
      assert.match(greenText!, /Last webhook3 min ago · 2 in 24 h/);
      assert.doesNotMatch((await tile(e.red).textContent())!, /Last webhook/);
      // The hostile error is shown, as text.
      const failingError = await tile(e.failing).locator(".error-text").textContent();
      assert.ok(failingError!.includes(hostile.img), failingError!);
      await assertInert(page, incidents);

      // With the schedule off no tile says Healthy: fresh or not, nothing syncs on its own.
      await world.stack.sql`update sync_schedule set enabled = false`;
      await page.reload();
      await tile(e.failing).waitFor();
      const offTones = Object.fromEntries(
        await Promise.all(
          Object.entries(e).map(async ([k, name]) => [
            k,
            `${await tile(name).getAttribute("data-tone")}: ${await tile(name).locator(".badge")
              .textContent()}`,
          ]),
        ),
      );
      assert.deepEqual(offTones, {
        green: "off: Schedule off",
        yellow: "off: Schedule off",
        red: "off: Schedule off",
        failing: "failing: Failing",
      });
      await world.stack.sql`update sync_schedule set enabled = true`;
      await page.reload();
      await tile(e.green).and(page.locator('[data-tone="green"]')).waitFor();

      // Sync now, for real: the function runs with the staff JWT against the simulated store
      // and the outlets tile turns from never synced (red) to healthy with the new cursor.
      const outlets = tile("outlets");
      await outlets.getByRole("button", { name: "Sync now" }).click();
      await outlets.locator(".result.ok").filter({ hasText: "Completed: 3 records" }).waitFor();
      await page.waitForFunction(() =>
        document.querySelector('article.tile[data-entity="outlets"]')?.getAttribute("data-tone") ===
          "green"
      );
      assert.equal(
        await page.evaluate(() =>
          (document.activeElement?.closest("article.tile") as HTMLElement | null)?.dataset.entity
        ),
        "outlets",
        "keyboard focus stays on the tile whose Sync now was pressed",
      );
      const [run] = await world.stack.sql`
        select trigger, status, cursor_end from sync_log where entity = 'outlets'
        order by id desc limit 1`;
      assert.deepEqual([run.trigger, run.status], ["dashboard", "completed"]);
      assert.match((await outlets.textContent())!, new RegExp(String(run.cursor_end)));
      await page.locator(".chart svg").first().waitFor();
      // The charts count e.red's late run on its store day (sync_daily), not on its UTC or the
      // browser's day, and say which zone they are in.
      assert.equal(
        await page.locator("#charts-title").textContent(),
        `Last 14 days (${storeZone})`,
      );
      const pointTitles = await page.locator("figure.chart").filter({
        hasText: "Average run duration",
      }).locator("title").allTextContents();
      assert.ok(
        pointTitles.includes(`${e.red}, ${world.lateRunDay}: 4.3 s`),
        pointTitles.filter((t) => t.startsWith(e.red)).join("|"),
      );
      await page.screenshot({ path: join(artifacts, "dashboard-overview.png"), fullPage: true });

      // History: filter by entity, page through, filter by status and date, open a run.
      await page.getByRole("link", { name: "History" }).click();
      await page.getByLabel("Entity").selectOption(e.green);
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–25 of 30").waitFor();
      assert.equal(await page.locator(`tbody tr[data-entity="${e.green}"]`).count(), 25);
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByText("Showing runs 26–30 of 30").waitFor();

      await page.getByLabel("Entity").selectOption(e.failing);
      await page.getByLabel("Status").selectOption("failed");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–2 of 2").waitFor();
      assert.equal(await page.locator('tbody tr[data-status="failed"]').count(), 2);
      const errorCells = await page.locator("td.error-cell").allTextContents();
      assert.ok(errorCells.some((t) => t.includes("<img src=x")), errorCells.join("|"));

      await page.getByLabel("Entity").selectOption(e.yellow);
      await page.getByLabel("Status").selectOption("");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–1 of 1").waitFor();
      const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      await page.getByLabel("From (store day)").fill(utcDay(Date.now() - 5 * 86_400_000));
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("No runs match these filters.").waitFor();

      // The date filter picks the same store day as the chart above: e.red's run at 23:30 UTC is
      // on that day although it is the day before in UTC and in this browser.
      await page.getByLabel("Entity").selectOption(e.red);
      await page.getByLabel("From (store day)").fill(world.lateRunDay);
      await page.getByLabel("To (store day)").fill(world.lateRunDay);
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–1 of 1").waitFor();
      const startedLocal = await page.locator(`tbody tr[data-entity="${e.red}"] td`).nth(1)
        .textContent();
      assert.ok(
        startedLocal!.startsWith(world.lateRunDay),
        `shown on the store's clock, on its day: ${startedLocal}`,
      );
      assert.equal(
        await page.locator(".zone-note").textContent(),
        `Days and times in the store's time zone, ${storeZone}.`,
      );

      await page.getByRole("button", { name: "Reset" }).click();
      await page.getByLabel("Entity").selectOption(e.failing);
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–2 of 2").waitFor();
      await page.locator("tbody tr").last().getByRole("button").click();
      const detail = page.locator("section.detail");
      await detail.locator("pre.error-block").waitFor();
      assert.equal(await detail.locator("pre.error-block").textContent(), hostileError);
      assert.match((await detail.textContent())!, /Duration900 ms/);
      await assertInert(page, incidents);
      await page.screenshot({ path: join(artifacts, "dashboard-history.png"), fullPage: true });

      // Rejected records: hostile reason and payload shown as text.
      await page.goto(`${world.dashboard.url}/#/rejects/${e.failing}`);
      await page.locator("tr[data-reject]").first().waitFor();
      await page.locator("details summary").first().click();
      const raw = await page.locator("pre.raw").first().textContent();
      assert.ok(raw!.includes(hostile.script) && raw!.includes(hostile.js), raw!);
      assert.ok((await page.locator("td.reason").first().textContent())!.includes(hostile.img));
      await assertInert(page, incidents);
      await page.screenshot({ path: join(artifacts, "dashboard-rejects.png"), fullPage: true });

      // Settings: pause an entity and tighten its thresholds.
      await page.getByRole("link", { name: "Settings" }).click();
      const form = page.locator(`form[data-entity="${e.green}"]`);
      await form.waitFor();
      // In the registry's order, as the tiles; names the registry does not know come after.
      const listed = await page.locator("form[data-entity]").evaluateAll((forms) =>
        forms.map((f) => f.getAttribute("data-entity")!)
      );
      assert.deepEqual(listed.slice(0, entityNames.length), entityNames, listed.join(", "));
      assert.ok(listed.slice(entityNames.length).includes(e.green), listed.join(", "));
      assert.ok(!listed.slice(entityNames.length).some(isEntityName), listed.join(", "));
      await form.getByLabel("Sync enabled").uncheck();
      await form.getByLabel("Warn after (minutes)").fill("30");
      await form.getByLabel("Alert after (minutes)").fill("90");
      await form.getByRole("button", { name: "Save" }).click();
      await form.getByText("Saved: paused").waitFor();
      const [saved] = await world.stack.sql`
        select enabled, extract(epoch from yellow_after)::int as y,
          extract(epoch from red_after)::int as r
        from sync_settings where entity = ${e.green}`;
      assert.deepEqual({ ...saved }, { enabled: false, y: 1800, r: 5400 });
      await form.getByLabel("Warn after (minutes)").fill("100");
      await form.getByRole("button", { name: "Save" }).click();
      await form.getByText("The alert threshold must be longer").waitFor();

      // The global schedule: a bad time zone is refused by the database with its reason, a good
      // change is saved. (Scheduled syncs stay as they were: this database is shared.)
      const schedule = page.locator("form.settings-form");
      const scheduleEnabled = await schedule.getByLabel("Scheduled syncs enabled").isChecked();
      await schedule.getByLabel("Run every (minutes)").fill("15");
      await schedule.getByLabel("Nightly run at").fill("4");
      await schedule.getByLabel("Store time zone").fill("Mars/Olympus_Mons");
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.locator(".result.bad").filter({ hasText: "Mars/Olympus_Mons" }).waitFor();
      await schedule.getByLabel("Store time zone").fill("Pacific/Chatham");
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.locator(".result.ok").filter({ hasText: "Saved" }).waitFor();
      const [savedSchedule] = await world.stack.sql`
        select enabled, time_zone, incremental_every_minutes, nightly_hour from sync_schedule`;
      assert.deepEqual({ ...savedSchedule }, {
        enabled: scheduleEnabled,
        time_zone: "Pacific/Chatham",
        incremental_every_minutes: 15,
        nightly_hour: 4,
      });
      await page.screenshot({ path: join(artifacts, "dashboard-settings.png"), fullPage: true });

      // After a reload the form shows what was saved, not what was typed.
      await page.reload();
      await form.waitFor();
      assert.equal(await form.getByLabel("Sync enabled").isChecked(), false);
      assert.equal(await form.getByLabel("Warn after (minutes)").inputValue(), "30");
      assert.equal(await form.getByLabel("Alert after (minutes)").inputValue(), "90");
      assert.deepEqual(
        {
          enabled: await schedule.getByLabel("Scheduled syncs enabled").isChecked(),
          every: await schedule.getByLabel("Run every (minutes)").inputValue(),
          hour: await schedule.getByLabel("Nightly run at").inputValue(),
          zone: await schedule.getByLabel("Store time zone").inputValue(),
        },
        { enabled: scheduleEnabled, every: "15", hour: "4", zone: "Pacific/Chatham" },
      );

      // Back on the overview the paused entity says so.
      await page.getByRole("link", { name: "Overview" }).click();
      await tile(e.green).and(page.locator('[data-tone="paused"]')).waitFor();

      // Sign out: back to the sign-in form, and the session is gone server-side too.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      assert.equal(await page.locator("article.tile").count(), 0);
      await assertInert(page, incidents);
    }),
});

Deno.test({
  name: "dashboard: charts, date filter and times follow the store's days across a DST change",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const e = world.entities;
      // Auckland's 6 April 2025 lasts 25 hours (clocks back at 03:00 NZDT): from 11:00 UTC on
      // the 5th to 12:00 UTC on the 6th. Failed runs on both edges and in the repeated hour.
      const runs = [
        ["2025-04-05T10:59:59Z", "2025-04-05 23:59:59"],
        ["2025-04-05T11:00:00Z", "2025-04-06 00:00:00"],
        ["2025-04-05T13:30:00Z", "2025-04-06 02:30:00"],
        ["2025-04-05T14:30:00Z", "2025-04-06 02:30:00"],
        ["2025-04-06T11:30:00Z", "2025-04-06 23:30:00"],
        ["2025-04-06T12:00:00Z", "2025-04-07 00:00:00"],
      ];
      for (const [at] of runs) {
        await world.stack.sql`insert into sync_log (entity, trigger, status, started_at,
          finished_at, duration_ms, error)
          values (${e.yellow}, 'schedule', 'failed', ${at}, ${at}::timestamptz + interval '1 s',
            1000, 'failed on purpose')`;
      }
      const { page, incidents } = await watchedPage(world.browser, { timezoneId: browserZone });
      // 18:00 on 8 April in Auckland, still the 7th in Los Angeles: the 14 chart days span the
      // change, counted on the store's calendar.
      await page.clock.setFixedTime(new Date("2025-04-08T06:00:00Z"));
      await signIn(page, world.dashboard.url, world.staff);
      const failures = page.locator("figure.chart").filter({ hasText: "Failed runs per day" });
      await failures.locator("svg").waitFor();
      assert.equal(
        await failures.locator("svg").getAttribute("aria-label"),
        "Failed runs per day: 6 in total over 14 days",
      );
      const titles = await failures.locator("title").allTextContents();
      assert.deepEqual(titles.filter((t) => t.startsWith(e.yellow)), [
        `${e.yellow}, 2025-04-05: 1`,
        `${e.yellow}, 2025-04-06: 4`,
        `${e.yellow}, 2025-04-07: 1`,
      ]);
      const ticks = await failures.locator("text.tick").allTextContents();
      assert.equal(ticks.at(-1), "04-08", `today on the store's calendar: ${ticks.join(" ")}`);

      // The date filter picks the same 25 hours; the times are the store's wall clock, the
      // repeated 02:30 twice.
      await page.getByRole("link", { name: "History" }).click();
      await page.getByLabel("Entity").selectOption(e.yellow);
      await page.getByLabel("From (store day)").fill("2025-04-06");
      await page.getByLabel("To (store day)").fill("2025-04-06");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.getByText("Showing runs 1–4 of 4").waitFor();
      const started = await page.locator(`tbody tr[data-entity="${e.yellow}"] td:nth-child(2)`)
        .allTextContents();
      assert.deepEqual(started, runs.slice(1, 5).map(([, local]) => local).reverse());
      await page.locator("tbody tr").first().getByRole("button").click();
      await page.locator("section.detail dl.counters").waitFor();
      assert.match(
        (await page.locator("section.detail").textContent())!,
        /Started2025-04-06 23:30:00Finished2025-04-06 23:30:01/,
      );
      await assertInert(page, incidents);
    }),
});

Deno.test({
  name: "dashboard: hostile records and errors served by the simulator and synced render as text",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser);
      const sim = world.simulator;
      const outlets = page.locator('article.tile[data-entity="outlets"]');

      // In the outlets feed at real versions: hostile but valid outlets, the simulator's
      // malformed rotation, and one outlet both hostile and malformed (its id is markup), so
      // hostile text reaches the rejects view the way a bad record from a store would.
      const injected = await controlSimulator(sim, "/faults", {
        faults: [
          { type: "hostile", entity: "outlets", count: 4 },
          { type: "malformed", entity: "outlets", count: 3 },
        ],
      });
      assert.equal(injected.injected.length, 7);
      const sample = structuredClone(sim.store.plainRecords("outlets")[0]) as Record<
        string,
        unknown
      >;
      sim.store.appendRaw("outlets", (version) => ({
        ...sample,
        id: HOSTILE.imgOnError,
        version,
        name: HOSTILE.scriptTag,
        email: HOSTILE.javascriptUrl,
        physical_address_1: HOSTILE.quotes,
        physical_city: HOSTILE.rightToLeft,
        attributes: [{ key: HOSTILE.emoji, value: HOSTILE.javascriptUrl }],
      }));
      const dump = await (await fetch(`${sim.controlUrl}/dump?entity=outlets`)).json();
      const served = dump.data.find((r: { id?: unknown }) => r.id === HOSTILE.imgOnError);
      assert.ok(served, "the simulator serves the hostile malformed outlet");

      await signIn(page, world.dashboard.url, world.staff);
      await outlets.getByRole("button", { name: "Sync now" }).click();
      await outlets.locator(".result.ok").filter({ hasText: "Completed" }).waitFor();
      const [synced] = await world.stack.sql`
        select status, records_rejected from sync_log where entity = 'outlets'
        order by id desc limit 1`;
      assert.deepEqual({ ...synced }, { status: "completed", records_rejected: 4 });
      const [stored] = await world.stack.sql`
        select count(*)::int as n, count(*) filter (where name = ${HOSTILE.imgOnError})::int as img
        from lightspeed_outlets`;
      assert.deepEqual({ ...stored }, { n: 7, img: 1 }, "hostile but valid outlets are stored");
      await outlets.filter({ hasText: "Open rejects4" }).waitFor();
      await assertInert(page, incidents);

      // Rejected records: the markup id, and the payload exactly as served, all as text.
      await outlets.getByRole("button", { name: "View rejects" }).click();
      await page.getByText("4 open rejected records").waitFor();
      const row = page.locator("tr[data-reject]").filter({
        has: page.locator("td.mono", { hasText: HOSTILE.imgOnError }),
      });
      assert.equal(await row.locator("td").first().textContent(), HOSTILE.imgOnError);
      assert.match((await row.locator("td.reason").textContent())!, /^Invalid record: id: /);
      await row.locator("details summary").click();
      const raw = row.locator("pre.raw");
      assert.deepEqual(JSON.parse((await raw.textContent())!), served);
      assert.equal(await raw.evaluate((el) => el.children.length), 0, "the payload is only text");
      await assertInert(page, incidents);
      await page.screenshot({
        path: join(artifacts, "dashboard-hostile-rejects.png"),
        fullPage: true,
      });

      // A run the store fails with a hostile message: the sync keeps the reply's start in the
      // run's error, and the overview and the history show it as text.
      const message = `${HOSTILE.javascriptUrl} ${HOSTILE.imgOnError} ${HOSTILE.scriptTag}`;
      await controlSimulator(sim, "/faults", {
        faults: [{ type: "status", status: 400, path: "/outlets", message }],
      });
      await page.getByRole("link", { name: "Overview" }).click();
      await outlets.getByRole("button", { name: "Sync now" }).click();
      await outlets.locator(".result.bad").filter({ hasText: "Failed" }).waitFor();
      const [failed] = await world.stack.sql`
        select id, status, error from sync_log where entity = 'outlets' order by id desc limit 1`;
      assert.equal(failed.status, "failed");
      for (const piece of [HOSTILE.javascriptUrl, HOSTILE.imgOnError, HOSTILE.scriptTag]) {
        assert.ok(failed.error.includes(piece), failed.error);
      }
      await outlets.and(page.locator('[data-tone="failing"]')).waitFor();
      assert.equal(await outlets.locator(".error-text").textContent(), failed.error);
      await assertInert(page, incidents);
      await page.screenshot({
        path: join(artifacts, "dashboard-hostile-overview.png"),
        fullPage: true,
      });

      await page.goto(`${world.dashboard.url}/#/history/outlets`);
      await page.getByText("Showing runs 1–2 of 2").waitFor();
      const cell = page.locator('tbody tr[data-status="failed"] td.error-cell');
      assert.equal(await cell.textContent(), `${failed.error.slice(0, 119)}…`);
      await page.getByRole("button", { name: `Open run ${failed.id}` }).click();
      const block = page.locator("section.detail pre.error-block");
      assert.equal(await block.textContent(), failed.error);
      assert.equal(await block.evaluate((el) => el.children.length), 0);
      await assertInert(page, incidents);
      await page.screenshot({
        path: join(artifacts, "dashboard-hostile-history.png"),
        fullPage: true,
      });
    }),
});

/** A URL on this machine where nothing listens (the port was free a moment ago). */
function deadUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

Deno.test({
  name: "dashboard: when the API cannot be reached, staff read why instead of a blank page",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser);
      await signIn(page, world.dashboard.url, world.staff);
      await page.locator(`article.tile[data-entity="${world.entities.failing}"]`).waitFor();

      // The API goes away: the same dashboard origin (so the session survives) now points at a
      // port nothing listens on, as after a wrong URL or with the project down.
      const dead = deadUrl();
      const port = Number(new URL(world.dashboard.url).port);
      await world.dashboard.stop();
      world.dashboard = serveDashboard({
        port,
        anonKey: localPublishableKey,
        root: world.outDir,
        supabaseUrl: dead,
        functionsUrl: `${dead}/functions/v1`,
        refreshSeconds: 0,
      });
      await page.reload();
      const unreachable = `the sync API at ${dead} cannot be reached`;
      // supabase-js retries a failed read three times (1 + 2 + 4 s) before it gives up.
      const notice = page.locator(".notice.error[role=alert]");
      await notice.filter({ hasText: unreachable }).waitFor({ timeout: 20_000 });
      assert.match((await notice.textContent())!, /^Could not load sync status: /);
      await page.getByText(/^Could not update at /).waitFor();
      // The page around it still works: navigation, sign-out, the section heading.
      await page.getByRole("heading", { name: "Entities" }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      assert.equal(await page.locator("article.tile").count(), 0);
      await page.screenshot({ path: join(artifacts, "dashboard-api-down.png"), fullPage: true });

      // Signing out still ends the session in this browser, and signing in again explains why
      // it cannot work right now.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await signIn(page, world.dashboard.url, world.staff);
      await page.locator(".form-error").filter({ hasText: unreachable }).waitFor();
      assert.match(
        (await page.locator(".form-error").textContent())!,
        /^Could not sign in: the sync API at .* Check the network connection and try again\.$/,
      );
      await page.screenshot({
        path: join(artifacts, "dashboard-api-down-signin.png"),
        fullPage: true,
      });
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name: "dashboard: Import history is disabled while an import runs, and usable once it stalls",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { sql } = world.stack;
      // A chain that showed a sign of life just now (the seed's green entity is importing).
      await sql`
        update sync_import_chain set token = gen_random_uuid(), import_id = gen_random_uuid(),
          started_at = now() - interval '5 minutes', seen_at = now(), handovers = 3,
          ended_at = null`;
      const { page, incidents } = await watchedPage(world.browser);
      await signIn(page, world.dashboard.url, world.staff);
      const button = page.getByRole("button", { name: "Import history" });
      const state = page.locator("[data-import-state]");
      await state.getByText(/^An import is running since \d{4}-\d\d-\d\d /).waitFor();
      assert.match((await state.textContent())!, new RegExp(world.entities.green));
      assert.equal(await button.isDisabled(), true, "no second import while one runs");
      assert.match((await button.getAttribute("title"))!, /An import is running/);

      // Silent for 3 minutes: the chain is stalled, and the button continues the import.
      await sql`update sync_import_chain set seen_at = now() - interval '3 minutes'`;
      await page.reload();
      await state.getByText(/has stalled; Import history continues it/).waitFor();
      assert.equal(await button.isDisabled(), false);
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name: "dashboard: Connect Lightspeed asks lightspeed-oauth as staff (personal token: refused)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser);
      await signIn(page, world.dashboard.url, world.staff);
      await page.getByRole("link", { name: "Settings" }).click();
      await page.getByRole("button", { name: "Connect Lightspeed" }).click();
      // The world's functions sign in with a personal token: the function says so (409).
      await page.getByText(
        "This sync signs in with a personal token (LIGHTSPEED_AUTH_MODE is not oauth)",
      ).waitFor();
      const [{ count }] = await world.stack.sql`
        select count(*)::int as count from sync_private.oauth_states`;
      assert.equal(count, 0, "no connect was started");
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name:
    "dashboard: staff read the alert log and the rate budget, tune a rule and send a test alert",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { sql } = world.stack;
      const [rule] = await sql`select enabled, threshold from alert_rules
        where rule = 'rate_budget_exhausted'`;
      const secrets = await sql`delete from vault.secrets
        where name in ('alert_slack_webhook_url', 'alert_webhook_url') returning *`;
      try {
        // A sent alert whose text is hostile (it names an entity), and a busy budget window.
        await sql`insert into alert_log (rule, entity, kind, since, message, status, attempts)
          values ('entity_red', ${world.entities.failing}, 'failing', now(),
            ${`Failing: ${hostile.img}`}, 'sent', 2)`;
        await sql`insert into sync_log (entity, status, started_at, finished_at, requests,
            rate_limited, budget_allowed, rate_limit_remaining)
          values (${world.entities.green}, 'completed', now(), now(), 300, 2, 855, 40)`;
        const { page, incidents } = await watchedPage(world.browser);
        await signIn(page, world.dashboard.url, world.staff);
        await page.getByRole("link", { name: "Alerts" }).click();
        const failing = page.locator('tr[data-kind="failing"]').first();
        await failing.waitFor();
        assert.ok((await failing.textContent())!.includes(hostile.img), "the message, as text");
        assert.match((await failing.textContent())!, /sent \(2 attempts\)/);
        assert.match(
          (await page.locator("[data-budget-summary]").textContent())!,
          /Busiest window: 300 requests \(35 % of the 855 allowed per window\)\. 429 replies: 2\. Lowest remaining budget Lightspeed reported: 40\./,
        );

        const form = page.locator('form[data-rule="rate_budget_exhausted"]');
        await form.getByLabel("Threshold (minutes)").fill("45");
        await form.getByRole("button", { name: "Save" }).click();
        await form.getByText("Saved").waitFor();
        const [saved] = await sql`select threshold from alert_rules
          where rule = 'rate_budget_exhausted'`;
        assert.equal(saved.threshold, 45);

        // No destination in Vault here: the test alert is recorded as such.
        await page.getByRole("button", { name: "Send test alert" }).click();
        await page.getByText("Test alert sent to every configured destination").waitFor();
        await page.locator('tr[data-kind="test"]').getByText("no destination configured")
          .waitFor();
        await assertInert(page, incidents);
        await page.screenshot({ path: join(artifacts, "dashboard-alerts.png"), fullPage: true });
      } finally {
        await sql`update alert_rules set enabled = ${rule.enabled}, threshold = ${rule.threshold}
          where rule = 'rate_budget_exhausted'`;
        await sql`truncate alert_log cascade`;
        for (const secret of secrets) await sql`insert into vault.secrets ${sql(secret)}`;
      }
    }),
});

Deno.test({
  name: "dashboard: usable at phone width",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser, {
        viewport: { width: 390, height: 844 },
      });
      await signIn(page, world.dashboard.url, world.staff);
      await page.locator(`article.tile[data-entity="${world.entities.failing}"]`).waitFor();
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at phone width`);
      // Keyboard: tabbing from the top reaches the skip link, then the navigation.
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
      assert.equal(focused, "Overview", "Tab goes: skip link, then the first section link");
      await page.screenshot({ path: join(artifacts, "dashboard-phone.png"), fullPage: false });
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name:
    "dashboard: the history shows the filters applied last, whatever order the answers arrive in",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser);
      await signIn(page, world.dashboard.url, world.staff);
      await page.getByRole("link", { name: "History" }).click();
      const filterToFailing = async () => {
        await page.getByLabel("Entity").selectOption(world.entities.failing);
        await page.getByRole("button", { name: "Apply filters" }).click();
        await page.getByText("Showing runs 1–2 of 2").waitFor();
      };
      await filterToFailing();
      // From now on an unfiltered answer comes late: Reset's request is answered after the
      // filtered one that follows it, as on a slow connection.
      const isUnfiltered = (url: string) =>
        url.includes("/sync_history") && !url.includes("entity=");
      await page.route("**/rest/v1/sync_history*", async (route) => {
        if (isUnfiltered(route.request().url())) await new Promise((r) => setTimeout(r, 1_000));
        await route.continue();
      });
      const lateAnswer = page.waitForResponse((response) => isUnfiltered(response.url()));
      await page.getByRole("button", { name: "Reset" }).click();
      await filterToFailing();
      await lateAnswer;
      // Whatever the late answer would draw, it would be drawn within a few frames of arriving.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      assert.equal(
        await page.getByRole("status").filter({ hasText: "Showing runs" }).textContent(),
        "Showing runs 1–2 of 2",
      );
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name: "dashboard: non-staff and signed-out visitors see no data, in the page or via /rest/v1",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { page, incidents } = await watchedPage(world.browser);
      // Signed out: only the sign-in form.
      await page.goto(world.dashboard.url);
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      assert.equal(await page.locator("article.tile, table").count(), 0);

      // Signed in, not staff: an explanation and no rows anywhere.
      await signIn(page, world.dashboard.url, world.visitor);
      await page.getByText("No sync data is visible to this account").waitFor();
      assert.equal(await page.locator("article.tile").count(), 0);
      await page.getByRole("link", { name: "History" }).click();
      await page.getByText("No runs match these filters.").waitFor();

      // The same token, straight at the REST API.
      const token = await page.evaluate(() => {
        const raw = sessionStorage.getItem("lightspeed-sync-dashboard");
        return raw ? JSON.parse(raw).access_token as string : null;
      });
      assert.ok(token, "the visitor's session is stored");
      for (const relation of ["sync_status", "sync_history", "sync_daily", "sync_rejects"]) {
        const asVisitor: Response = await fetch(`${world.stack.url}/rest/v1/${relation}?select=*`, {
          headers: { apikey: localPublishableKey, authorization: `Bearer ${token}` },
        });
        assert.equal(asVisitor.status, 200, relation);
        assert.deepEqual(await asVisitor.json(), [], relation);
        const asAnon: Response = await fetch(`${world.stack.url}/rest/v1/${relation}?select=*`, {
          headers: { apikey: localPublishableKey },
        });
        assert.equal(asAnon.status, 401, relation);
        assert.equal((await asAnon.json()).code, "42501", relation);
      }
      // And the visitor cannot start a sync.
      const sync = await fetch(`${world.stack.url}/functions/v1/sync-entity`, {
        method: "POST",
        headers: { apikey: localPublishableKey, authorization: `Bearer ${token}` },
        body: JSON.stringify({ entity: "outlets" }),
      });
      assert.equal(sync.status, 401);
      await sync.body?.cancel();
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name: "dashboard: link() makes a link only for an http(s) URL, whatever a caller passes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      // dom.ts needs a real DOM: bundle it beside the app and load it in the page, under the
      // page's own CSP.
      const probe = await new Deno.Command(Deno.execPath(), {
        args: [
          "bundle",
          "--platform",
          "browser",
          "--format",
          "esm",
          "--output",
          join(world.outDir, "dom_probe.js"),
          join(dashboardDir, "src", "dom.ts"),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(probe.success, new TextDecoder().decode(probe.stderr));
      const { page, incidents } = await watchedPage(world.browser);
      await page.goto(world.dashboard.url);
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      const made = await page.evaluate(async (src) => {
        const dom = await import(src);
        const inputs: unknown[] = [
          "https://example.com/a?b=1",
          "http://127.0.0.1:54321",
          "javascript:alert(1)",
          " JavaScript:alert(1)",
          "java\tscript:alert(1)",
          "data:text/html,<script>alert(1)</script>",
          "vbscript:msgbox(1)",
          "/relative",
          "",
          null,
          42,
        ];
        const links = inputs.map((url) => {
          const el = dom.link(url, "text") as HTMLElement;
          return [el.tagName, el.getAttribute("href"), el.getAttribute("rel"), el.textContent];
        });
        let direct = "created";
        try {
          dom.h("a", { attrs: { href: "javascript:alert(1)" } });
        } catch (error) {
          direct = (error as Error).message;
        }
        return { links, direct };
      }, "/dom_probe.js");
      const link = (href: string) => ["A", href, "noopener noreferrer", "text"];
      const text = ["SPAN", null, null, "text"];
      assert.deepEqual(made.links, [
        link("https://example.com/a?b=1"),
        link("http://127.0.0.1:54321/"),
        ...Array(9).fill(text),
      ]);
      assert.equal(made.direct, 'Attribute "href" is not allowed here');
      assert.deepEqual(incidents, []);
    }),
});

Deno.test({
  name: "dashboard: Repair is disabled for plain staff; an operator re-fetches a record, logged",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { sql } = world.stack;
      const { page, incidents } = await watchedPage(world.browser);
      try {
        await signIn(page, world.dashboard.url, world.staff);
        await page.getByRole("link", { name: "Repair" }).click();
        await page.getByText("Repairs need the operator role").waitFor();
        assert.equal(await page.getByRole("button", { name: "Run repair" }).isDisabled(), true);
        await sql`update staff_members set operator = true
          where user_id = (select id from auth.users where email = ${world.staff.email})`;
        await page.reload();
        await page.getByText("nothing is deleted").waitFor();
        const outlets = await fetch(`${world.simulator.controlUrl}/dump?entity=outlets`);
        const [outlet] = (await outlets.json()).data as { id: string; name: string }[];
        await page.getByLabel("Repair", { exact: true }).selectOption("record");
        await page.getByLabel("Entity").selectOption("outlets");
        await page.getByLabel("Record id").fill(outlet.id);
        assert.equal(await page.getByLabel("To (included)").count(), 0, "dates only for sales");
        await page.getByRole("button", { name: "Run repair" }).click();
        await page.getByText(/Repair \d+: completed \(landed 1, rejected 0, not found false\)/)
          .waitFor();
        const [row] = await sql`select name from lightspeed_outlets where id = ${outlet.id}`;
        assert.equal(row?.name, outlet.name, "the outlet was fetched and landed");
        const logged = page.locator("tr[data-repair]").first();
        await logged.getByText("completed").waitFor();
        assert.match(await logged.innerText(), /record\s+outlets\s+staff [0-9a-f]{8}\s+completed/);
        await page.screenshot({ path: join(artifacts, "repair.png"), fullPage: true });
        assert.deepEqual(incidents, []);
      } finally {
        await sql`delete from repair_log`;
      }
    }),
});
