// Runs a pg_cron job's own command (read from cron.job) as the scheduler would, for tests and
// operators, without disturbing anyone else using the same database: inside one transaction the
// Vault secrets and the entity selection are set, the command runs, and everything is restored
// before commit, so other sessions only ever see the calls the command queued.
import type postgres from "postgres";

type Sql = ReturnType<typeof postgres>;

export const scheduledJobNames = [
  "sync-dispatch",
  "sync-reconcile",
  "sync-prune",
  "sync-alerts",
] as const;
export type ScheduledJobName = typeof scheduledJobNames[number];

export interface JobRunOptions {
  /** Only these entities are considered (the others are paused for the run's transaction). */
  entities?: string[];
  /** Vault values for the run; the stored ones are put back before commit. */
  vault?: { projectUrl: string; syncSecret: string };
}

export async function jobCommand(sql: Sql, name: ScheduledJobName): Promise<string> {
  const [job] = await sql<{ command: string }[]>`
    select command from cron.job where jobname = ${name}`;
  if (!job) throw new Error(`No pg_cron job named ${name}; apply the migrations first`);
  return job.command;
}

export async function runJobCommand(
  sql: Sql,
  name: ScheduledJobName,
  options: JobRunOptions = {},
): Promise<unknown> {
  const command = await jobCommand(sql, name);
  return await sql.begin(async (tx) => {
    const paused = options.entities
      ? await tx<{ entity: string }[]>`
          update public.sync_settings set enabled = false
          where enabled and entity <> all(${options.entities}) returning entity`
      : [];
    const [schedule] = await tx<{ enabled: boolean }[]>`
      select enabled from public.sync_schedule`;
    await tx`update public.sync_schedule set enabled = true`;
    const savedSecrets = options.vault
      ? await tx`
          delete from vault.secrets where name in ('project_url', 'sync_secret') returning *`
      : [];
    if (options.vault) {
      await tx`select vault.create_secret(${options.vault.projectUrl}, 'project_url')`;
      await tx`select vault.create_secret(${options.vault.syncSecret}, 'sync_secret')`;
    }

    const result = await tx.unsafe(command);

    if (options.vault) {
      await tx`delete from vault.secrets where name in ('project_url', 'sync_secret')`;
      for (const secret of savedSecrets) await tx`insert into vault.secrets ${tx(secret)}`;
    }
    await tx`update public.sync_schedule set enabled = ${schedule.enabled}`;
    if (paused.length > 0) {
      await tx`update public.sync_settings set enabled = true
        where entity = any(${paused.map((p) => p.entity)})`;
    }
    return result[0];
  });
}

/**
 * Keeps pg_cron from running the product's jobs while `work` runs (a test drives them by hand),
 * then puts each job's previous active flag back.
 */
export async function withJobsPaused<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  const jobs = await sql<{ jobid: string; active: boolean }[]>`
    select jobid::text, active from cron.job where jobname = any(${[...scheduledJobNames]})`;
  for (const job of jobs) {
    await sql`select cron.alter_job(${job.jobid}::bigint, active := false)`;
  }
  try {
    return await work();
  } finally {
    for (const job of jobs) {
      await sql`select cron.alter_job(${job.jobid}::bigint, active := ${job.active})`;
    }
  }
}
