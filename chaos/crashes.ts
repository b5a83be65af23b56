// Scenario 1, process crashes: the functions' process is SIGKILLed at seeded random points of a
// historical import that needs several invocations (5 s time budget, pages of 10, 150 ms
// simulator latency); a new process starts on the same port; the scheduler continues (its
// cron command, run with the local pg_net worker up) until the import is complete. Then the
// database equals the simulator's dump row for row, and no run is recorded as completed that
// did not reach the end, and every run the kills interrupted is recorded as failed.
import assert from "node:assert/strict";
import { startNetWorker } from "../dev/net_worker.ts";
import { runJobCommand, withJobsPaused } from "../dev/ops/scheduled_job.ts";
import { resetSyncData } from "../dev/testing/database.ts";
import { chaosDatabaseUrl, connectChaosDatabase } from "./second_cluster.ts";
import { freePort } from "../dev/testing/functions_process.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { type EntityName, entityNames } from "../supabase/functions/_shared/entities/registry.ts";
import { ABANDONED_RUN_ERROR } from "../supabase/functions/_shared/sync/run_log.ts";
import {
  call,
  captured,
  compare,
  falseCompletions,
  type Functions,
  functionsEnv,
  lightspeedToken,
  secrets,
  secretsInDatabase,
  seededRandom,
  sleep,
  sourceMaxVersions,
  startFunctions,
  startSim,
  syncSecret,
  tally,
  waitFor,
} from "./harness.ts";

const entities = entityNames as readonly EntityName[];
const SEEDS = [101, 202, 303, 404, 505, 606];
const MIN_CRASH_POINTS = 24;
const LATENCY = { baseMs: 150, perRecordMs: 0 };

/**
 * Stands in for time passing after a kill, instead of waiting minutes: the dead run's lease
 * would expire after its TTL (time budget + 30 s), and the dispatcher continues an import only
 * after 2 minutes without a sign of life (an expired lease counts as one until it expired) and
 * at most once per 5 minutes.
 */
async function letTimePass(sql: Sql, firstCallId: number): Promise<void> {
  await sql`
    update public.sync_state
    set lease_expires_at = case when lease_expires_at is not null
          then now() - interval '3 minutes' end,
        updated_at = now() - interval '3 minutes',
        last_run_at = least(last_run_at, now() - interval '3 minutes')
    where entity = any(${entities as string[]})`;
  await sql`
    update sync_private.scheduled_calls set requested_at = requested_at - interval '10 minutes'
    where id > ${firstCallId}`;
}

async function runningRunIds(sql: Sql): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    select id::int from public.sync_log where status = 'running'
      and entity = any(${entities as string[]})`;
  return rows.map((r) => r.id);
}

async function importComplete(sql: Sql): Promise<boolean> {
  const states = await sql<{ import_status: string | null }[]>`
    select import_status from public.sync_state where entity = any(${entities as string[]})`;
  return states.length === entities.length &&
    states.every((s) => s.import_status === "completed");
}

export const crashScenario: Deno.TestDefinition = {
  name:
    "chaos 1: SIGKILLs at random points of a multi-invocation import; the scheduler finishes it exactly",
  async fn() {
    const sql = await connectChaosDatabase();
    const worker = startNetWorker({
      databaseUrl: chaosDatabaseUrl,
      log: (line) => captured.logs.push(`${line}\n`),
    });
    const simulator = await startSim({ seed: SEEDS[0], scale: "demo", latency: LATENCY });
    const [{ max: firstCallId }] = await sql<{ max: number }[]>`
    select coalesce(max(id), 0)::int as max from sync_private.scheduled_calls`;
    let fx: Functions | null = null;
    let crashPoints = 0;
    const perSeed: string[] = [];
    try {
      await worker.ready;
      await withJobsPaused(sql, async () => {
        for (const seed of SEEDS) {
          if (crashPoints >= MIN_CRASH_POINTS && perSeed.length >= 2) break;
          await resetSyncData(sql);
          await simulator.control("/reset", {
            seed,
            scale: "demo",
            latency: LATENCY,
            token: lightspeedToken,
          });
          const random = seededRandom(seed);
          const port = freePort();
          const env = functionsEnv(simulator, chaosDatabaseUrl, 1, {
            SYNC_TIME_BUDGET_MS: "5000",
            LIGHTSPEED_PAGE_SIZE: "10",
            SYNC_CONCURRENCY: "3",
            LIGHTSPEED_REGISTER_COUNT: "9",
          });
          fx = await startFunctions(env, { port });
          const started = await call(fx.url, "import-history", {});
          assert.equal(started.status, 202, started.text);

          const interrupted = new Set<number>();
          let kills = 0;
          for (let round = 0;; round++) {
            assert.ok(round < 80, `seed ${seed}: the import did not finish after ${round} crashes`);
            await sleep(200 + Math.floor(random() * 1800));
            await fx.kill();
            fx = null;
            if (await importComplete(sql)) break; // finished before this kill: no crash point
            kills++;
            for (const id of await runningRunIds(sql)) interrupted.add(id);
            fx = await startFunctions(env, { port });
            await letTimePass(sql, firstCallId);
            await runJobCommand(sql, "sync-dispatch", {
              entities: [...entities],
              vault: { projectUrl: fx.url, syncSecret },
            });
          }
          crashPoints += kills;
          tally.crashPoints += kills;

          // A kill may also have hit a scheduled incremental run; the scheduler closes it.
          fx = await startFunctions(env, { port });
          for (let settle = 0; (await runningRunIds(sql)).length > 0; settle++) {
            assert.ok(settle < 5, "runs stay 'running' after the scheduler's recovery calls");
            for (const id of await runningRunIds(sql)) interrupted.add(id);
            await letTimePass(sql, firstCallId);
            await runJobCommand(sql, "sync-dispatch", {
              entities: [...entities],
              vault: { projectUrl: fx.url, syncSecret },
            });
            await worker.idle();
            await waitFor(
              "no run left running",
              async () => (await runningRunIds(sql)).length === 0,
              20_000,
            ).catch(() => {});
          }
          await fx.stop();
          fx = null;
          await worker.idle();

          assert.ok(await importComplete(sql), `seed ${seed}: the import is complete`);
          const mismatches = await compare(sql, simulator, entities, `crashes seed ${seed}`);
          assert.deepEqual(mismatches, [], `seed ${seed}: the database equals the source`);
          const maxVersions = await sourceMaxVersions(simulator, entities);
          assert.deepEqual(await falseCompletions(sql, maxVersions), []);
          const closed = await sql<{ id: number; status: string; error: string | null }[]>`
          select id::int, status, error from public.sync_log where id = any(${[...interrupted]})`;
          for (const run of closed) {
            assert.equal(run.status, "failed", `interrupted run ${run.id} is recorded as failed`);
            assert.equal(run.error, ABANDONED_RUN_ERROR);
          }
          const [ids] = await sql<{ n: number }[]>`
          select count(distinct import_id)::int as n from public.sync_state
          where entity = any(${entities as string[]})`;
          assert.equal(ids.n, 1, "one import id across every crash and continuation");
          const [runs] = await sql<{ n: number }[]>`
          select count(*)::int as n from public.sync_log where trigger = 'import'`;
          perSeed.push(
            `seed ${seed}: ${kills} crash points, ${interrupted.size} interrupted runs, ` +
              `${runs.n} import runs`,
          );
        }
      });
      assert.deepEqual(await secretsInDatabase(sql, secrets), []);
      console.log(
        `chaos 1 (process crashes): ${crashPoints} crash points\n  ${perSeed.join("\n  ")}`,
      );
      assert.ok(crashPoints >= MIN_CRASH_POINTS, `${crashPoints} crash points`);
      tally.scenarios.push(
        `process crashes (${crashPoints} SIGKILLs over ${perSeed.length} seeds)`,
      );
    } finally {
      if (fx) await (fx as Functions).kill();
      await worker.stop();
      await sql`delete from sync_private.scheduled_calls where id > ${firstCallId}`.catch(() => {});
      await simulator.stop();
      await resetSyncData(sql).catch(() => {});
      await sql.end({ timeout: 5 });
    }
  },
};
