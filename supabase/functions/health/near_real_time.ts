// Per entity, what the webhooks say (README § Near-real-time): whether near-real-time is on
// (LIGHTSPEED_WEBHOOK_TOKEN set and a webhook type covers the entity), the last event, and how
// long the last event waited for the webhook pass that covered it. Information only: no event
// is normal for a quiet store, so none of it changes a colour or the status.
import type { Sql } from "../_shared/database.ts";
import { entitiesWithWebhooks } from "../_shared/entities/webhook_entities.ts";

/** Entities some webhook type starts a pass of (the registry's webhookEvents). */
const coveredEntities = new Set(entitiesWithWebhooks());

export interface NearRealTime {
  on: boolean;
  last_event_at: string | null;
  event_to_sync_seconds: number | null;
}

interface Row {
  entity: string;
  last_event_at: Date | null;
  event_to_sync_seconds: number | null;
}

export async function nearRealTimeByEntity(
  sql: Sql,
  webhooksOn: boolean,
): Promise<(entity: string) => NearRealTime> {
  // The first webhook pass that completed after the entity's last event started covers it.
  const rows = await sql<Row[]>`
    select w.entity, w.last_event_at,
      (select round(extract(epoch from min(l.finished_at) - w.last_event_at)::numeric, 1)::float8
        from public.sync_log as l
        where l.entity = w.entity and l.trigger = 'webhook' and l.status = 'completed'
          and l.started_at >= w.last_event_at) as event_to_sync_seconds
    from public.sync_webhook_status as w`;
  const byEntity = new Map(rows.map((row) => [row.entity, row]));
  return (entity) => {
    const row = byEntity.get(entity);
    return {
      on: webhooksOn && coveredEntities.has(entity),
      last_event_at: row?.last_event_at?.toISOString() ?? null,
      event_to_sync_seconds: row?.event_to_sync_seconds ?? null,
    };
  };
}
