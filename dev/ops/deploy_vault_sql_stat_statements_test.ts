// The deploy's Vault SQL leaves no secret in pg_stat_statements, which hosted projects run with
// its text visible in extensions.pg_stat_statements and the dashboard's Query Performance page.
// Checked on a throwaway cluster of its own (pg_stat_statements must be preloaded, which the
// shared 54322 is not), built like the local stack: bootstrap and migrations included.
import assert from "node:assert/strict";
import {
  clusterExists,
  initCluster,
  removeCluster,
  startCluster,
  stopCluster,
} from "../db/cluster.ts";
import { installLocalExtensions } from "../db/local_extensions.ts";
import { applyMigrations, applySupabaseBootstrap } from "../db/migrations.ts";
import { databaseUrlOf, pgInstanceNamed } from "../paths.ts";
import { freePort } from "../testing/functions_process.ts";
import { createDatabase } from "../../supabase/functions/_shared/database.ts";
import { vaultSql } from "./deploy_plan.ts";

Deno.test("the Vault SQL reaches pg_stat_statements with its secret replaced by $n", async () => {
  const instance = pgInstanceNamed(`pgss-test-${Deno.pid}`, freePort());
  const url = databaseUrlOf(instance);
  await installLocalExtensions();
  await removeCluster(instance);
  try {
    await initCluster(instance);
    await startCluster(instance);
    const setup = createDatabase(url, { max: 1 });
    try {
      await setup.unsafe("alter system set shared_preload_libraries = pg_cron, pg_stat_statements");
    } finally {
      await setup.end();
    }
    await stopCluster(instance);
    await startCluster(instance);
    await applySupabaseBootstrap(url);
    await applyMigrations(url);

    const sql = createDatabase(url, { max: 1 });
    try {
      // Nested statements tracked too (the worst case a project can be configured with).
      await sql`set pg_stat_statements.track = 'all'`;
      await sql`create extension if not exists pg_stat_statements with schema extensions`;
      await sql`select extensions.pg_stat_statements_reset()`;
      const first = `first-secret-${crypto.randomUUID()}`;
      const second = `second-secret-${crypto.randomUUID()}`;
      // One query string, as `supabase db query --linked` sends it: the first run creates both
      // secrets, the second updates them.
      await sql.unsafe(vaultSql("https://one.supabase.co", first));
      await sql.unsafe(vaultSql("https://two.supabase.co", second));
      const stored = await sql`select name, decrypted_secret from vault.decrypted_secrets
        where name in ('project_url', 'sync_secret') order by name`;
      assert.deepEqual(stored.map((r) => [r.name, r.decrypted_secret]), [
        ["project_url", "https://two.supabase.co"],
        ["sync_secret", second],
      ]);

      // Proof that the check can fail: a DO block's text is kept as sent.
      const marker = `do-block-marker-${crypto.randomUUID()}`;
      await sql.unsafe(`do $$ begin perform '${marker}'; end $$`);

      const texts = (await sql<{ query: string }[]>`
        select query from extensions.pg_stat_statements`).map((r) => r.query);
      assert.ok(texts.some((t) => t.includes(marker)), "utility statements keep their text");
      assert.ok(
        texts.some((t) => /select vault\.create_secret\(\$1, \$2, \$3\)/.test(t)),
        `the create statement was recorded, normalized: ${texts.join("\n")}`,
      );
      assert.ok(texts.some((t) => /select vault\.update_secret\(id, \$1\)/.test(t)));
      for (const secret of [first, second]) {
        assert.ok(!texts.some((t) => t.includes(secret)), "a secret is in pg_stat_statements");
      }
    } finally {
      await sql.end();
    }
  } finally {
    if (clusterExists(instance)) await stopCluster(instance, "immediate");
    await removeCluster(instance);
  }
});
