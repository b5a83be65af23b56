// Gives an alert test the shared database as it needs it and puts everything back after:
// the product's pg_cron jobs paused (the test runs the alert job's function itself), the alert
// destinations in Vault, the chosen rules on and every other one off, the alert settings, the
// schedule on with only the test's entities syncing, and no alert or sync history. Test
// equipment for the shared local database, used under the test lock.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import { withJobsPaused } from "../ops/scheduled_job.ts";
import { resetSyncData } from "./database.ts";

export interface AlertSetup {
  /** Vault values: a destination left out is not configured. */
  slackUrl?: string;
  webhookUrl?: string;
  /** Rule name → threshold (null for rules without one); the rules not named are off. */
  rules: Record<string, number | null>;
  /** The only entities left syncing (sync_settings.enabled); the others are paused. */
  entities: string[];
  /** Overrides of public.alert_settings (operator settings). */
  settings?: Partial<
    { max_messages_per_hour: number; max_attempts: number; dashboard_url: string | null }
  >;
}

const alertSecretNames = ["alert_slack_webhook_url", "alert_webhook_url"];

async function clearAlerts(sql: Sql): Promise<void> {
  await sql`truncate public.alert_log, sync_private.alert_deliveries,
    sync_private.alert_incidents`;
}

async function applySetup(sql: Sql, setup: AlertSetup): Promise<void> {
  await sql`delete from vault.secrets where name = any(${alertSecretNames})`;
  if (setup.slackUrl) {
    await sql`select vault.create_secret(${setup.slackUrl}, 'alert_slack_webhook_url')`;
  }
  if (setup.webhookUrl) {
    await sql`select vault.create_secret(${setup.webhookUrl}, 'alert_webhook_url')`;
  }
  await sql`update public.alert_rules set enabled = false`;
  for (const [rule, threshold] of Object.entries(setup.rules)) {
    await sql`update public.alert_rules set enabled = true,
      threshold = coalesce(${threshold}::integer, threshold) where rule = ${rule}`;
  }
  await sql`update public.alert_settings set max_messages_per_hour = default,
    max_attempts = default, dashboard_url = null`;
  if (setup.settings) await sql`update public.alert_settings set ${sql(setup.settings)}`;
  await sql`update public.sync_schedule set enabled = true`;
  await sql`update public.sync_settings set enabled = (entity = any(${setup.entities}))`;
}

export async function withAlertSetup<T>(
  sql: Sql,
  setup: AlertSetup,
  work: () => Promise<T>,
): Promise<T> {
  const savedSecrets = await sql`select * from vault.secrets where name = any(${alertSecretNames})`;
  const savedRules = await sql`select rule, enabled, threshold from public.alert_rules`;
  // Not test_requested_at: writing it sends a test alert.
  const [savedSettings] = await sql`select max_messages_per_hour, max_attempts, dashboard_url
    from public.alert_settings`;
  const [schedule] = await sql<{ enabled: boolean }[]>`select enabled from public.sync_schedule`;
  return await withJobsPaused(sql, async () => {
    try {
      await resetSyncData(sql);
      await clearAlerts(sql);
      await applySetup(sql, setup);
      return await work();
    } finally {
      await clearAlerts(sql);
      await resetSyncData(sql);
      await sql`update public.sync_schedule set enabled = ${schedule.enabled}`;
      await sql`update public.alert_settings set ${sql(savedSettings)}`;
      for (const rule of savedRules) {
        await sql`update public.alert_rules set enabled = ${rule.enabled},
          threshold = ${rule.threshold} where rule = ${rule.rule}`;
      }
      await sql.begin(async (tx) => {
        await tx`delete from vault.secrets where name = any(${alertSecretNames})`;
        for (const secret of savedSecrets) await tx`insert into vault.secrets ${tx(secret)}`;
      });
    }
  });
}
