// The webhook tables (supabase/migrations/20261212100100_create_webhook_events.sql and
// 20261212100200_create_webhook_passes.sql): events by type, record and version with their
// delivery count, refusals counted by reason, and per entity the coalescing of passes.
import type { Sql } from "../_shared/database.ts";
import type { WebhookEvent } from "./webhook_body.ts";
import { recordedEntityOf } from "../_shared/entities/webhook_entities.ts";

export type RejectionReason =
  | "not_configured"
  | "bad_token"
  | "bad_signature"
  | "unknown_type"
  | "bad_body"
  | "wrong_method";

/** A driver silent this long (longer than any worker lives) is taken over. */
export const driverTimeoutSeconds = 600;

export async function countRejection(sql: Sql, reason: RejectionReason): Promise<void> {
  await sql`
    insert into public.webhook_rejections as r (reason, count, last_at) values (${reason}, 1, now())
    on conflict (reason) do update set count = r.count + 1, last_at = excluded.last_at`;
}

/**
 * Records one delivery and counts it against its entity's next pass. Returns whether the caller
 * became the entity's driver: no other instance drives it, the driver went silent, or the
 * driver's invocation ends within `handoverMs` (it could not pass over this event). One
 * statement per table, so concurrent deliveries cannot both become drivers.
 */
export async function recordEvent(
  sql: Sql,
  event: WebhookEvent,
  driver: { id: string; until: number; handoverMs: number },
): Promise<{ drives: boolean; deliveryCount: number }> {
  const entity = recordedEntityOf(event.type);
  const [delivery] = await sql<{ delivery_count: number }[]>`
    insert into public.webhook_events as e (type, entity, record_id, version)
    values (${event.type}, ${entity}, ${event.recordId}, ${event.version}::bigint)
    on conflict (type, record_id, coalesce(version, -1)) do update
      set delivery_count = e.delivery_count + 1, last_received_at = now()
    returning delivery_count`;
  const until = new Date(driver.until);
  const takenOver = sql`(p.driver is null
    or p.driver_seen_at < now() - ${driverTimeoutSeconds} * interval '1 second'
    or p.driver_until < clock_timestamp() + ${driver.handoverMs} * interval '1 millisecond')`;
  const [pass] = await sql<{ driver: string }[]>`
    insert into sync_private.webhook_passes as p
      (entity, last_event_at, events_since_pass, driver, driver_seen_at, driver_until)
    values (${entity}, now(), 1, ${driver.id}::uuid, now(), ${until})
    on conflict (entity) do update set
      last_event_at = excluded.last_event_at,
      events_since_pass = p.events_since_pass + 1,
      driver = case when ${takenOver} then excluded.driver else p.driver end,
      driver_seen_at = case when ${takenOver} then excluded.driver_seen_at else p.driver_seen_at end,
      driver_until = case when ${takenOver} then excluded.driver_until else p.driver_until end
    returning driver::text`;
  return { drives: pass.driver === driver.id, deliveryCount: delivery.delivery_count };
}

/**
 * The driver starts a pass: the events counted so far are covered by it. Returns how long to
 * wait first (the entity's minimum interval since the last pass), or null when the caller is
 * no longer the driver.
 */
export async function startPass(
  sql: Sql,
  entity: string,
  driver: string,
  minIntervalMs: number,
): Promise<{ waitMs: number } | null> {
  const [row] = await sql<{ wait_ms: number }[]>`
    select greatest(0, ceil(extract(epoch from
      p.last_pass_started_at + ${minIntervalMs} * interval '1 millisecond' - clock_timestamp()
    ) * 1000))::int as wait_ms
    from sync_private.webhook_passes as p
    where p.entity = ${entity} and p.driver = ${driver}::uuid`;
  if (!row) return null;
  if (row.wait_ms > 0) return { waitMs: row.wait_ms };
  const started = await sql`
    update sync_private.webhook_passes
    set events_since_pass = 0, last_pass_started_at = clock_timestamp(), driver_seen_at = now()
    where entity = ${entity} and driver = ${driver}::uuid
    returning 1`;
  return started.length === 0 ? null : { waitMs: 0 };
}

/** Says the driver is alive (it may wait for a running pass for a while). */
export async function touchDriver(sql: Sql, entity: string, driver: string): Promise<void> {
  await sql`
    update sync_private.webhook_passes set driver_seen_at = now()
    where entity = ${entity} and driver = ${driver}::uuid`;
}

/**
 * Gives up driving when no event arrived since the pass started; returns false (still the
 * driver) when one did, so exactly one follow-up pass covers them all.
 */
export async function releaseIfQuiet(sql: Sql, entity: string, driver: string): Promise<boolean> {
  const released = await sql`
    update sync_private.webhook_passes set driver = null, driver_seen_at = null, driver_until = null
    where entity = ${entity} and driver = ${driver}::uuid and events_since_pass = 0
    returning 1`;
  if (released.length > 0) return true;
  const [still] = await sql`
    select 1 from sync_private.webhook_passes where entity = ${entity} and driver = ${driver}::uuid`;
  return still === undefined;
}

/** Stops driving whatever is pending (the deadline came): the next event or poll takes over. */
export async function abandonDriving(sql: Sql, entity: string, driver: string): Promise<void> {
  await sql`
    update sync_private.webhook_passes set driver = null, driver_seen_at = null, driver_until = null
    where entity = ${entity} and driver = ${driver}::uuid`;
}
