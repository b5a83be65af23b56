// The migration that takes pg_net away from the API roles must run unchanged on a hosted project,
// where pg_net's objects belong to a platform role and the migration role may not change their
// grants. Played here by a role that owns nothing in net and holds only what PUBLIC holds there
// (as pg_net grants it): the migration ends without error, says in notices what it could not do,
// and leaves the grants as they were. All in one transaction, rolled back.
import assert from "node:assert/strict";
import postgres from "postgres";
import { testDatabaseUrl } from "../testing/database.ts";

const migration = new URL(
  "../../supabase/migrations/20261211100200_revoke_api_access_to_net.sql",
  import.meta.url,
);

class RolledBack extends Error {}

Deno.test("the net revoke migration, run by a role pg_net's grants do not belong to, only gives notices", async () => {
  const notices: string[] = [];
  const sql = postgres(testDatabaseUrl, {
    max: 1,
    onnotice: (notice) => notices.push(`${notice.severity}: ${notice.message}`),
  });
  const text = await Deno.readTextFile(migration);
  let anonStillReads: boolean | undefined;
  try {
    await sql.begin(async (tx) => {
      // The hosted grants (pg_net's install script), and a migration role like hosted postgres.
      await tx`grant usage on schema net to public`;
      await tx`grant all on all tables in schema net to public`;
      await tx`grant all on all sequences in schema net to public`;
      await tx`create role net_grants_test_migrator nologin`;
      await tx`set local role net_grants_test_migrator`;
      await tx.unsafe(text);
      await tx`reset role`;
      const [row] = await tx`
        select has_table_privilege('anon', 'net.http_request_queue', 'select') as reads`;
      anonStillReads = row.reads;
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  } finally {
    await sql.end();
  }
  assert.equal(anonStillReads, true, "a role that may not revoke changed nothing");
  const said = notices.join("\n");
  assert.match(said, /NOTICE: not allowed on this platform \(kept as they were\): .*revoke all/);
  assert.match(
    said,
    /NOTICE: API roles can still use pg_net tables: .*anon net\.http_request_queue\.select/,
  );
  assert.match(said, /the scheduler sends no secret there/);
});
