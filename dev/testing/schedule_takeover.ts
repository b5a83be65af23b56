// Lets pg_cron run the product's schedule for real against a test's own functions: the Vault
// secrets point at them, the schedule is on with the shortest incremental slot the settings allow
// (one minute) and pg_net's default timeout, and the jobs are active. restore() puts back every
// value it changed. Test equipment for the shared local database, used under the test lock.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import { entityNames } from "../../supabase/functions/_shared/entities/registry.ts";

export interface ScheduleTarget {
  projectUrl: string;
  syncSecret: string;
}

export async function takeOverSchedule(
  sql: Sql,
  target: ScheduleTarget,
): Promise<() => Promise<void>> {
  const [schedule] = await sql<
    { enabled: boolean; incremental_every_minutes: number; call_timeout_ms: number }[]
  >`select enabled, incremental_every_minutes, call_timeout_ms from public.sync_schedule`;
  const jobs = await sql<{ jobid: string; active: boolean }[]>`
    select jobid::text, active from cron.job
    where jobname in ('sync-dispatch', 'sync-reconcile')`;
  const savedSecrets = await sql.begin(async (tx) => {
    const saved = await tx`
      delete from vault.secrets where name in ('project_url', 'sync_secret') returning *`;
    await tx`select vault.create_secret(${target.projectUrl}, 'project_url')`;
    await tx`select vault.create_secret(${target.syncSecret}, 'sync_secret')`;
    return saved;
  });
  // Earlier tests' calls for these entities would count as in flight or as tonight's call.
  await sql`delete from sync_private.scheduled_calls where entity = any(${[...entityNames]})`;
  await sql`update public.sync_schedule
    set enabled = true, incremental_every_minutes = 1, call_timeout_ms = default`;
  for (const job of jobs) await sql`select cron.alter_job(${job.jobid}::bigint, active := true)`;

  return async () => {
    await sql`update public.sync_schedule
      set enabled = ${schedule.enabled},
        incremental_every_minutes = ${schedule.incremental_every_minutes},
        call_timeout_ms = ${schedule.call_timeout_ms}`;
    for (const job of jobs) {
      await sql`select cron.alter_job(${job.jobid}::bigint, active := ${job.active})`;
    }
    await sql.begin(async (tx) => {
      await tx`delete from vault.secrets where name in ('project_url', 'sync_secret')`;
      for (const secret of savedSecrets) await tx`insert into vault.secrets ${tx(secret)}`;
    });
  };
}
