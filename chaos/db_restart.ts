// Scenario 2, database restart in the middle of a run, on the suite's own cluster (54352, so
// the shared 54322 is never restarted): once a few pages are committed, PostgreSQL is stopped
// ("fast": clients disconnected; "immediate": a crash stop with recovery) and started again.
// The run must end failed or be left to be closed as abandoned, never 'completed'; the next run
// resumes from the checkpoint; nothing is lost or doubled. Committed pages survive the stop,
// even the crash stop: the checkpoint after the restart is the cursor the failed run reported
// (the last page it committed), never behind it. That needs a durable cluster (fsync and
// synchronous_commit on); with synchronous_commit off a crash stop loses the last commits.
import assert from "node:assert/strict";
import { resetSyncData } from "../dev/testing/database.ts";
import type { EntityName } from "../supabase/functions/_shared/entities/registry.ts";
import { ABANDONED_RUN_ERROR } from "../supabase/functions/_shared/sync/run_log.ts";
import {
  call,
  compare,
  falseCompletions,
  type Functions,
  functionsEnv,
  secrets,
  secretsInDatabase,
  sourceMaxVersions,
  startFunctions,
  startSim,
  tally,
  waitFor,
} from "./harness.ts";
import { chaosDatabaseUrl, connectChaosDatabase, restartChaosDatabase } from "./second_cluster.ts";

const PAGE_SIZE = 10;

const cases: { mode: "fast" | "immediate"; entity: EntityName }[] = [
  { mode: "fast", entity: "sales" },
  { mode: "immediate", entity: "inventory" },
  { mode: "fast", entity: "customers" },
];

export const dbRestartScenario: Deno.TestDefinition = {
  name: "chaos 2: a database restart mid-run fails the run cleanly and the next run resumes",
  async fn() {
    const sql = await connectChaosDatabase();
    const simulator = await startSim({
      seed: 71,
      scale: "demo",
      latency: { baseMs: 150, perRecordMs: 0 },
    });
    let fx: Functions | null = null;
    const lines: string[] = [];
    try {
      await resetSyncData(sql);
      fx = await startFunctions(functionsEnv(simulator, chaosDatabaseUrl, 1, {
        SYNC_TIME_BUDGET_MS: "60000",
        LIGHTSPEED_PAGE_SIZE: String(PAGE_SIZE),
        LIGHTSPEED_REGISTER_COUNT: "9",
      }));
      const tableOf: Record<string, string> = {
        sales: "lightspeed_sales",
        inventory: "lightspeed_inventory",
        customers: "lightspeed_customers",
      };
      for (const { mode, entity } of cases) {
        const inFlight = call(fx.url, "sync-entity", { entity });
        // Three pages committed, more to come: the run is in the middle.
        await waitFor(
          `${entity}: three committed pages`,
          async () => {
            const [row] = await sql.unsafe<{ n: number }[]>(
              `select count(*)::int as n from public.${tableOf[entity]}`,
            );
            return row.n >= 3 * PAGE_SIZE;
          },
          30_000,
          20,
        );
        // Committed and visible to another session: the restart must not take it back.
        const [seen] = await sql<{ cursor: number }[]>`
        select cursor from public.sync_state where entity = ${entity}`;
        await restartChaosDatabase(mode);
        tally.dbRestarts++;
        const reply = await inFlight;
        assert.ok(
          !(reply.status === 200 && reply.body.status === "completed"),
          `${entity}: the interrupted run must not report completed: ${reply.text}`,
        );
        // Either the run closed itself as failed (200), or it could not reach the database to
        // close and the reply says so (5xx); both with a one-line reason, no stack trace.
        const reason = reply.status === 200 ? reply.body.error : reply.body?.error;
        assert.ok(reply.status === 200 || reply.status >= 500, reply.text);
        assert.ok(typeof reason === "string" && reason.length > 0, `a reason: ${reply.text}`);
        assert.ok(!/\n\s+at /.test(reason), "no stack trace in the reply");
        const [interrupted] = await sql<{ id: number; status: string }[]>`
        select id::int, status from public.sync_log where entity = ${entity}
        order by id limit 1`;
        assert.ok(
          ["failed", "running"].includes(interrupted.status),
          `${entity}: the interrupted run is failed or abandoned, not ${interrupted.status}`,
        );
        const [checkpoint] = await sql<{ cursor: number }[]>`
        select cursor from public.sync_state where entity = ${entity}`;
        assert.ok(
          Number(checkpoint.cursor) >= Number(seen.cursor),
          `${entity} (${mode} stop): the checkpoint ${checkpoint.cursor} went back behind ` +
            `${seen.cursor}, committed before the stop`,
        );
        // A 200 reply carries the cursor of the last page the run saw committed (a 5xx could
        // not say): the restart lost none of those commits. The database may be one page
        // further, when the stop cut the acknowledgement of a commit that had happened.
        let ackLost = false;
        if (reply.status === 200) {
          const reported = Number(reply.body.cursor);
          const kept = Number(checkpoint.cursor);
          assert.ok(
            kept >= reported,
            `${entity} (${mode} stop): the failed run reported page commits up to ` +
              `${reported}, the database kept them only up to ${kept}`,
          );
          if (kept > reported) {
            const [beyond] = await sql.unsafe<{ n: number }[]>(
              `select count(*)::int as n from public.${tableOf[entity]}
               where version > $1 and version <= $2`,
              [reported, kept],
            );
            assert.ok(beyond.n <= PAGE_SIZE, `${entity}: ${beyond.n} rows past the reply's cursor`);
            ackLost = true;
          }
        }

        // An abandoned run's lease expires after its TTL; this stands in for that time passing.
        await sql`update public.sync_state set lease_expires_at = now() - interval '1 second'
        where entity = ${entity} and lease_owner is not null`;
        const resumed = await call(fx.url, "sync-entity", { entity });
        assert.equal(resumed.status, 200, resumed.text);
        assert.equal(resumed.body.status, "completed", resumed.text);
        const [resumedRun] = await sql<{ cursor_start: number }[]>`
        select cursor_start from public.sync_log where id = ${resumed.body.run_id}`;
        assert.equal(Number(resumedRun.cursor_start), Number(checkpoint.cursor), "resumed there");
        assert.ok(Number(checkpoint.cursor) > 0, "from a checkpoint, not from the start");
        const [closed] = await sql<{ status: string; error: string }[]>`
        select status, error from public.sync_log where id = ${interrupted.id}`;
        assert.equal(closed.status, "failed", `${entity}: the interrupted run ends failed`);
        if (interrupted.status === "running") assert.equal(closed.error, ABANDONED_RUN_ERROR);
        else assert.ok(closed.error.length > 0, "a failed run says why");

        assert.deepEqual(await compare(sql, simulator, [entity], `db restart ${mode}`), []);
        lines.push(
          `${entity} (${mode} stop): reply ${reply.status} ${reply.text.slice(0, 160)}, run ` +
            `${interrupted.status} -> ${closed.status}, resumed at ${checkpoint.cursor}` +
            (ackLost ? " (one commit past the reply: its acknowledgement was cut)" : ""),
        );
      }
      const maxVersions = await sourceMaxVersions(simulator, cases.map((c) => c.entity));
      assert.deepEqual(await falseCompletions(sql, maxVersions), []);
      assert.deepEqual(await secretsInDatabase(sql, secrets), []);
      console.log(`chaos 2 (database restarts):\n  ${lines.join("\n  ")}`);
      tally.scenarios.push(`database restarts (${cases.length} mid-run, fast and immediate)`);
    } finally {
      if (fx) await fx.stop();
      await simulator.stop();
      await sql.end({ timeout: 5 });
    }
  },
};
