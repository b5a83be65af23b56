// npm run demo (deno task demo): the product's main job on a simulated store, end to end.
// Starts the local stack (PostgreSQL on 54322, the functions and API on 54321, a simulated
// Lightspeed store on 54330), runs the historical import through the real functions over
// HTTP, changes the store, runs the incremental sync, prints what it did, and keeps the
// dashboard on 5001 up until Ctrl-C.
import { buildDashboard } from "../dashboard/build.ts";
import { type DashboardServer, serveDashboard } from "../dashboard/serve.ts";
import { ensureDemoStaff } from "./api/auth/users.ts";
import { type LocalApi, startLocalApi } from "./api/server.ts";
import { type LocalPgNet, localPgNetWanted, startLocalPgNet } from "./net_worker_local_stack.ts";
import { startLocalDatabase } from "./db/main.ts";
import { stopCluster } from "./db/cluster.ts";
import {
  DEFAULT_DEMO_OPTIONS,
  DEMO_USAGE,
  type DemoOptions,
  DemoUsageError,
  describeRateLimit,
  parseDemoArgs,
  rateLimitFor,
} from "./demo_args.ts";
import { isPortFree, sleep } from "./demo_processes.ts";
import { checkAgainstStore } from "./demo_store_check.ts";
import {
  type EntityProgress,
  formatInt,
  formatSummaryTable,
  ProgressDisplay,
  type SummaryRow,
} from "./demo_report.ts";
import { readEnvFile } from "./env_file.ts";
import { join, pathExists } from "./path_helpers.ts";
import { localDatabaseUrl, repoRoot } from "./paths.ts";
import { printableUrl } from "./db/local_password.ts";
import { dashboardOriginsOn } from "./api/cors.ts";
import { resetSyncData } from "./testing/database.ts";
import { simulatorControl } from "./testing/simulator_control.ts";
import { type RunningSimulator, startSimulator } from "../simulator/mod.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";
import { entityNames } from "../supabase/functions/_shared/entities/registry.ts";

export const functionsEnvFile = join(repoRoot, "supabase/functions/.env");

/** The store changes applied between the import and the incremental sync. */
export const DEMO_MUTATIONS = {
  customerEdits: 40,
  productEdits: 25,
  customerDeletes: 6,
  productDeletes: 4,
  laybyPayoffs: 5,
  onAccountPayoffs: 5,
  voids: 8,
  lineItemRemovals: 6,
  newSales: 250,
  stockMovements: 60,
} as const;

const IMPORT_STALL_MS = 180_000;

// deno-lint-ignore no-explicit-any
type Json = any;

interface Stack {
  sql: Sql;
  simulator: RunningSimulator | null;
  api: LocalApi;
  secret: string;
  dashboard: DashboardServer | null;
  /** pg_net's local sender, as functions:serve runs it, so the schedule works if switched on. */
  pgNet: LocalPgNet | null;
  /** The demo started PostgreSQL (rather than reusing a running one), so it stops it too. */
  ownsDatabase: boolean;
}

const log = (line = "") => console.log(line);

/** Writes supabase/functions/.env for the local stack when there is none; returns its values. */
export async function ensureLocalFunctionsEnv(
  path = Deno.env.get("DEMO_FUNCTIONS_ENV_FILE") ?? functionsEnvFile,
): Promise<{ values: Record<string, string>; created: boolean }> {
  const existing = await readEnvFile(path);
  if (Object.keys(existing).length > 0 || pathExists(path)) {
    return { values: existing, created: false };
  }
  const secret = randomSecret();
  const text =
    `# Local stack only, written by \`npm run demo\` (git-ignored). Serves the simulated store
# that \`deno task simulator\` or the demo runs on 54330. For a real store, replace the two
# LIGHTSPEED_ lines with LIGHTSPEED_DOMAIN_PREFIX=<prefix> and your personal access token.
LIGHTSPEED_API_BASE_URL=http://127.0.0.1:54330/api/2.0
LIGHTSPEED_TOKEN=dev-lightspeed-token
SYNC_SECRET=${secret}
SUPABASE_DB_URL=${localDatabaseUrl}
`;
  await Deno.writeTextFile(path, text, { mode: 0o600, createNew: true });
  return { values: await readEnvFile(path), created: true };
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function invoke(stack: Stack, name: string, body: unknown): Promise<Json> {
  const reply = await fetch(`${stack.api.url}/functions/v1/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sync-secret": stack.secret },
    body: JSON.stringify(body),
  });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`${name} answered HTTP ${reply.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function checkPortsFree(options: DemoOptions): Promise<void> {
  const ports = [[options.apiPort, "API and functions"]] as [number, string][];
  if (!options.realStore) ports.push([options.simulatorPort, "simulated store"]);
  if (options.dashboard) ports.push([options.dashboardPort, "dashboard"]);
  for (const [port, what] of ports) {
    if (port !== 0 && !(await isPortFree(port))) {
      throw new Error(
        `Port ${port} (${what}) is in use: stop whatever serves it (another demo, ` +
          "`deno task functions:serve`, `deno task simulator` or `deno task dashboard`) and retry",
      );
    }
  }
}

async function startStack(
  options: DemoOptions,
  fileEnv: Record<string, string>,
  ownsDatabase: boolean,
): Promise<Stack> {
  const secret = (fileEnv.SYNC_SECRET ?? "").length >= 16 ? fileEnv.SYNC_SECRET : randomSecret();
  const sql = createDatabase(localDatabaseUrl, { max: 3 });
  let simulator: RunningSimulator | null = null;
  let functionsEnv: Record<string, string>;
  if (options.realStore) {
    if (!fileEnv.LIGHTSPEED_TOKEN || !(fileEnv.LIGHTSPEED_DOMAIN_PREFIX)) {
      throw new Error(
        "--real-store needs LIGHTSPEED_DOMAIN_PREFIX and LIGHTSPEED_TOKEN in " +
          "supabase/functions/.env (see README, 'Pointing it at your store')",
      );
    }
    functionsEnv = { ...fileEnv, LIGHTSPEED_API_BASE_URL: "", SYNC_SECRET: secret };
  } else {
    const started = performance.now();
    simulator = await startSimulator({
      port: options.simulatorPort,
      seed: options.seed,
      scale: options.scale,
      registers: options.registers,
      timeScale: options.timeScale,
      latency: options.latency,
    });
    const summary = simulator.store.summary();
    log(
      `  Simulated Lightspeed X-Series store: ${simulator.apiBaseUrl} (built in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s)`,
    );
    log(
      `    ${formatInt(summary.entities.sales.records)} sales with ${
        formatInt(summary.saleLineItems)
      } line items, ${formatInt(summary.entities.customers.records)} customers, ${
        formatInt(summary.entities.products.records)
      } products, ${
        formatInt(summary.entities.inventory.records)
      } inventory rows, ${summary.entities.outlets.records} outlets, ${summary.entities.registers.records} registers`,
    );
    log(`    Rate limit: ${describeRateLimit(options.registers, options.timeScale)}.`);
    log(
      `    Latency: ${options.latency.baseMs} ms per request + ${options.latency.perRecordMs} ms ` +
        "per record returned (not time-scaled).",
    );
    functionsEnv = {
      // The simulator, whatever .env says: the demo never touches a real store by default.
      LIGHTSPEED_DOMAIN_PREFIX: "",
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: secret,
      LIGHTSPEED_REGISTER_COUNT: "",
      LIGHTSPEED_PAGE_SIZE: "",
      // The functions pace themselves to the same, time-scaled, window.
      LIGHTSPEED_RATE_WINDOW_MS: String(Math.round(300_000 / options.timeScale)),
    };
  }
  const api = startLocalApi({
    port: options.apiPort,
    databaseUrl: localDatabaseUrl,
    functionsEnv: { ...functionsEnv, SUPABASE_DB_URL: localDatabaseUrl },
    allowedOrigins: dashboardOriginsOn(options.dashboardPort),
  });
  log(`  Functions: ${api.url}/functions/v1/{import-history,sync-entity,health}`);
  const pgNet = localPgNetWanted(Deno.env.toObject(), options.apiPort)
    ? startLocalPgNet({
      databaseUrl: localDatabaseUrl,
      apiUrl: api.url,
      syncSecret: secret,
      log: () => {},
    })
    : null;
  await pgNet?.ready;
  return { sql, simulator, api, secret, dashboard: null, pgNet, ownsDatabase };
}

async function readProgress(sql: Sql, entities: readonly string[]): Promise<EntityProgress[]> {
  const rows = await sql<
    {
      entity: string;
      import_status: string | null;
      import_records: string;
      import_pages: string;
      last_error: string | null;
      last_status: string | null;
    }[]
  >`select entity, import_status, import_records, import_pages, last_error, last_status
    from public.sync_state where entity = any(${entities as string[]}::text[])`;
  const byEntity = new Map(rows.map((r) => [r.entity, r]));
  return entities.map((entity) => {
    const row = byEntity.get(entity);
    return {
      entity,
      status: row?.import_status ?? "waiting",
      records: Number(row?.import_records ?? 0),
      pages: Number(row?.import_pages ?? 0),
      error: row?.import_status === "completed" ? null : row?.last_error,
    };
  });
}

async function runImport(
  stack: Stack,
  interactive: boolean,
): Promise<{ importId: string; entities: string[]; seconds: number; failed: string[] }> {
  const started = performance.now();
  const reply = await invoke(stack, "import-history", {});
  const importId: string = reply.import_id;
  const entities: string[] = entityNames.filter((e) => reply.entities.includes(e));
  log(`  POST /functions/v1/import-history -> 202 {import_id: ${importId}}`);
  const display = new ProgressDisplay(interactive);
  let lastChange = Date.now();
  let lastKey = "";
  while (true) {
    const progress = await readProgress(stack.sql, entities);
    const budget = stack.simulator
      ? `${formatInt(stack.simulator.state.stats.requests)} requests to Lightspeed`
      : "";
    display.update(progress, budget);
    const key = progress.map((p) => `${p.status}:${p.pages}`).join(",");
    if (key !== lastKey) {
      lastKey = key;
      lastChange = Date.now();
    }
    if (progress.every((p) => p.status === "completed" || p.status === "failed")) {
      return {
        importId,
        entities,
        seconds: (performance.now() - started) / 1000,
        failed: progress.filter((p) => p.status === "failed").map((p) => p.entity),
      };
    }
    if (progress.some((p) => p.status === "waiting")) {
      throw new Error(
        "The import's sync_state rows disappeared: something emptied the local sync tables " +
          "(is `npm test` running against the same database?)",
      );
    }
    if (Date.now() - lastChange > IMPORT_STALL_MS) {
      throw new Error(`The import made no progress for ${IMPORT_STALL_MS / 1000} s`);
    }
    await sleep(interactive ? 250 : 1_000);
  }
}

async function runIncremental(
  stack: Stack,
  entities: readonly string[],
): Promise<{ runIds: number[]; seconds: number }> {
  const started = performance.now();
  const runIds: number[] = [];
  for (const entity of entities) {
    let skips = 0;
    while (true) {
      const result = await invoke(stack, "sync-entity", { entity });
      if (result.status === "skipped") {
        // Another run (e.g. the scheduler) holds the entity: wait for it, then go on.
        if (++skips > 60) throw new Error(`sync-entity ${entity} stayed busy for a minute`);
        await sleep(1_000);
        continue;
      }
      runIds.push(result.run_id);
      log(
        `  POST sync-entity {"entity":"${entity}"} -> ${result.status}, ${
          formatInt(result.records)
        } records in ${result.pages} pages, ${result.duration_ms} ms${
          result.error ? ` (${result.error})` : ""
        }`,
      );
      if (!result.more) break;
    }
  }
  return { runIds, seconds: (performance.now() - started) / 1000 };
}

async function summaryRows(
  sql: Sql,
  where: { importId: string } | { runIds: number[] },
  entities: readonly string[],
): Promise<SummaryRow[]> {
  const rows = await sql<
    {
      entity: string;
      rows: string;
      pages: string;
      requests: string;
      rate_limited: string;
      rejected: string;
      seconds: number;
    }[]
  >`
    select entity, sum(records_received) as rows, sum(pages) as pages, sum(requests) as requests,
      sum(rate_limited) as rate_limited, sum(records_rejected) as rejected,
      extract(epoch from max(finished_at) - min(started_at))::float8 as seconds
    from public.sync_log
    where status <> 'skipped' and ${
    "importId" in where
      ? sql`import_id = ${where.importId}::uuid`
      : sql`id = any(${where.runIds}::bigint[])`
  }
    group by entity`;
  const byEntity = new Map(rows.map((r) => [r.entity, r]));
  return entities.map((entity) => {
    const r = byEntity.get(entity);
    return {
      entity,
      rows: Number(r?.rows ?? 0),
      pages: Number(r?.pages ?? 0),
      requests: Number(r?.requests ?? 0),
      rateLimited: Number(r?.rate_limited ?? 0),
      rejected: Number(r?.rejected ?? 0),
      seconds: r?.seconds ?? 0,
    };
  });
}

async function startDashboard(stack: Stack, options: DemoOptions): Promise<string | null> {
  if (!options.dashboard) return null;
  try {
    await buildDashboard({ quiet: true });
    stack.dashboard = serveDashboard({ port: options.dashboardPort, supabaseUrl: stack.api.url });
    return stack.dashboard.url;
  } catch (error) {
    log(`  The dashboard did not start: ${error instanceof Error ? error.message : error}`);
    return null;
  }
}

/** What stopStack stops, for the closing line. */
function stoppedParts(stack: Stack | null): string {
  const parts = ["the API", stack?.simulator ? "the simulated store" : null, "the dashboard"];
  if (stack?.ownsDatabase) parts.push("the local PostgreSQL the demo started");
  const named = parts.filter((p): p is string => p !== null);
  return `${named.slice(0, -1).join(", ")} and ${named.at(-1)} are down` +
    (stack && !stack.ownsDatabase ? " (PostgreSQL was already running and stays up)" : "");
}

async function stopStack(stack: Stack | null): Promise<void> {
  if (!stack) return;
  await stack.dashboard?.stop().catch(() => {});
  stack.dashboard = null;
  await stack.pgNet?.stop().catch(() => {});
  await stack.api.stop().catch(() => {});
  await stack.simulator?.stop().catch(() => {});
  await stack.sql.end({ timeout: 2 }).catch(() => {});
  if (stack.ownsDatabase) await stopCluster().catch(() => {});
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const interactive = Deno.stdout.isTerminal() && !Deno.env.get("CI");
  const demoStarted = performance.now();
  let stack: Stack | null = null;
  let stopping = false;
  let waiting = false;
  let importFailed = false;
  let interrupted: () => void = () => {};
  const interruption = new Promise<void>((resolve) => (interrupted = resolve));
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    log("\nStopping the demo...");
    interrupted();
    // Work still in flight (an import slice) is not waited for: its transactions roll back.
    const hardStop = setTimeout(() => Deno.exit(130), 8_000);
    stopStack(stack).finally(() => {
      clearTimeout(hardStop);
      log(`Stopped: ${stoppedParts(stack)}.`);
      // Ctrl-C is how the demo is meant to end once it has shown its summary; a demo whose
      // import failed still says so in its exit code.
      Deno.exit(waiting ? (importFailed ? 1 : 0) : 130);
    });
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  try {
    log(
      options.realStore
        ? "Lightspeed -> Supabase sync: demo on your Lightspeed store (read only)\n"
        : "Lightspeed -> Supabase sync: demo on a simulated store (nothing leaves this machine)\n",
    );
    await checkPortsFree(options);
    log("1. Local stack");
    const databaseState = await startLocalDatabase();
    const { values: fileEnv, created } = await ensureLocalFunctionsEnv();
    if (created) log("  Wrote supabase/functions/.env for the local stack (random SYNC_SECRET)");
    stack = await startStack(options, fileEnv, databaseState === "started");
    await resetSyncData(stack.sql);
    log("  Local sync tables emptied: the import starts from a fresh install.\n");

    log("2. Historical import (import-history, continued across invocations by itself)");
    const imported = await runImport(stack, interactive);
    const importRows = await summaryRows(stack.sql, imported, imported.entities);
    if (imported.failed.length > 0) {
      log(`\n  The import FAILED for: ${imported.failed.join(", ")}`);
    }

    let mutated: Json = null;
    if (stack.simulator) {
      log("\n3. The store keeps trading (simulator: edits, deletes, voids, payoffs, new sales)");
      mutated = await simulatorControl(stack.simulator.controlUrl, "/mutate", DEMO_MUTATIONS);
      log(
        `  ${mutated.customerEdits.length} customer edits, ${mutated.productEdits.length} product ` +
          `edits, ${mutated.customerDeletes.length} customers and ${mutated.productDeletes.length} ` +
          `products deleted (${mutated.inventoryDeletes.length} stock rows with them), ` +
          `${mutated.laybyPayoffs.length} laybys and ${mutated.onAccountPayoffs.length} on-account ` +
          `sales paid off, ${mutated.voids.length} voids, ${mutated.lineItemRemovals.length} ` +
          `sales with a line removed, ${mutated.newSales.length} new sales, ` +
          `${mutated.stockMovements.length} stock movements`,
      );
    } else {
      log("\n3. Whatever changed in the store since the import is picked up next");
    }

    log("\n4. Incremental sync (sync-entity per entity, from the saved cursors)");
    const incremental = await runIncremental(stack, imported.entities);
    const incrementalRows = await summaryRows(stack.sql, incremental, imported.entities);

    const [children] = await stack.sql<{ line_items: string; payments: string }[]>`
      select (select count(*) from public.lightspeed_sale_line_items) as line_items,
             (select count(*) from public.lightspeed_sale_payments) as payments`;
    log("\nSummary\n\nHistorical import");
    log(formatSummaryTable(importRows, imported.seconds));
    log("\nIncremental sync after the store changes");
    log(formatSummaryTable(incrementalRows, incremental.seconds));
    log(
      `\n  Sales rows land with their children: ${formatInt(Number(children.line_items))} line ` +
        `items and ${formatInt(Number(children.payments))} payments in their own tables.`,
    );
    if (stack.simulator) {
      const stats = stack.simulator.state.stats;
      log(
        `  The simulated store answered ${formatInt(stats.requests)} requests: ${
          formatInt(stats.rateLimited)
        } rate-limited (429), ${formatInt(stats.violations)} sent over the limit of ${
          rateLimitFor(options.registers)
        } per window.`,
      );
    }
    const differences = stack.simulator
      ? await checkAgainstStore(stack.sql, stack.simulator.controlUrl, imported.entities, log)
      : 0;
    log(`  Whole demo: ${((performance.now() - demoStarted) / 1000).toFixed(0)} s.`);

    const staff = await ensureDemoStaff(stack.sql);
    const dashboardUrl = await startDashboard(stack, options);
    log("");
    if (dashboardUrl) log(`Dashboard:   ${dashboardUrl}`);
    else if (options.dashboard) log("Dashboard:   not available in this checkout");
    log(`Demo login:  ${staff.email} / ${staff.password}  (local only)`);
    log(`Functions:   ${stack.api.url}/functions/v1/  (header x-sync-secret from .env)`);
    if (stack.simulator) log(`Store:       ${stack.simulator.apiBaseUrl} (simulated)`);
    log(`Database:    ${printableUrl(localDatabaseUrl)} (password in .local/db-password)`);

    const failed = imported.failed.length > 0 || differences > 0;
    importFailed = failed;
    if (options.exitWhenDone) {
      await stopStack(stack);
      log("\nDone; everything the demo started is stopped.");
      return failed ? 1 : 0;
    }
    waiting = true;
    log("\nPress Ctrl-C to stop.");
    await interruption;
    await new Promise(() => {}); // onSignal exits the process.
    return 0;
  } catch (error) {
    if (stopping) await new Promise(() => {});
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : error}`);
    await stopStack(stack);
    return 1;
  } finally {
    if (!stopping) {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    }
  }
}

if (import.meta.main) {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(Deno.args);
  } catch (error) {
    if (error instanceof DemoUsageError) {
      if (error.message) console.error(error.message);
      console.error(DEMO_USAGE);
      Deno.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  Deno.exit(await runDemo(options ?? DEFAULT_DEMO_OPTIONS));
}
