// Test access to the local stack's PostgreSQL. Fails loudly when it is not running: tests
// that need a database never skip.
import { createDatabase, type Sql } from "../../supabase/functions/_shared/database.ts";
import { localDatabaseUrl } from "../paths.ts";
import { printableUrl } from "../db/local_password.ts";
import {
  type EntityDefinition,
  entityRegistry,
} from "../../supabase/functions/_shared/entities/registry.ts";

export const testDatabaseUrl = Deno.env.get("TEST_DATABASE_URL") ?? localDatabaseUrl;

/**
 * TEST_SYNC_DATABASE_URL: a transaction pooler in front of the test database (npm test runs the
 * sync suites a second time with the local one). The functions the tests start get it as
 * SYNC_DATABASE_URL; the tests' own checks still read the database directly.
 */
export const testSyncDatabaseUrl = Deno.env.get("TEST_SYNC_DATABASE_URL")?.trim() || undefined;

/**
 * SYNC_DATABASE_URL for functions whose SUPABASE_DB_URL is the test database, when
 * TEST_SYNC_DATABASE_URL is set; nothing for any other database (the chaos suite's, the
 * benchmark's), which that pooler does not front.
 */
export function pooledFunctionsEnv(databaseUrl: string | undefined): Record<string, string> {
  return testSyncDatabaseUrl && databaseUrl === testDatabaseUrl
    ? { SYNC_DATABASE_URL: testSyncDatabaseUrl }
    : {};
}

export async function connectTestDatabase(options: { max?: number } = {}): Promise<Sql> {
  const sql = createDatabase(testDatabaseUrl, { max: options.max ?? 4 });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw new Error(
      `The test database at ${printableUrl(testDatabaseUrl)} is not reachable (${
        error instanceof Error ? error.message : error
      }); start it with: deno task db:start`,
    );
  }
  return sql;
}

/** Every table the sync writes synced data to: each registry entity's and its children's. */
export const syncedTables: readonly string[] = (entityRegistry as readonly EntityDefinition[])
  .flatMap((entity) => [entity.table, ...(entity.children ?? []).map((child) => child.table)]);

/** Empties synced data and the sync's own state, so a test starts from a fresh install. */
export async function resetSyncData(sql: Sql): Promise<void> {
  await sql.unsafe(
    `truncate ${syncedTables.map((t) => `public.${t}`).join(", ")},
      public.sync_log, public.sync_rejects, public.sync_state`,
  );
  await sql`update public.sync_import_chain set token = null, import_id = null, started_at = null,
    seen_at = null, handovers = 0, ended_at = null`;
  await sql`update public.sync_settings set enabled = true, yellow_after = interval '2 hours',
    red_after = interval '12 hours', overlap_every = interval '24 hours',
    overlap_window = interval '24 hours'`;
  await sql`delete from sync_private.request_log`.catch(() => {});
  // Absent from a database without the webhook migrations.
  await sql`truncate public.webhook_events, public.webhook_rejections,
    sync_private.webhook_passes`.catch(() => {});
  await sql`truncate public.repair_log`.catch(() => {});
}
