// Health notices a stopped scheduler: with the schedule on and no dispatcher run for more than
// 5 minutes it answers 503 and says so in `scheduler`, even while every entity is still green;
// the dispatcher's own command (as pg_cron runs it) makes it green again. Syncing switched off
// (the schedule off, every entity paused) is never a 200 green either. Anonymous callers get
// states, colours, reasons and times, never error text.
import assert from "node:assert/strict";
import { runJobCommand, withJobsPaused } from "../../../dev/ops/scheduled_job.ts";
import { startSyncStack } from "../../../dev/testing/sync_stack.ts";
import { entityNames, isEntityName } from "../_shared/entities/registry.ts";

Deno.test("health is red while the schedule is on but the dispatcher has stopped", async () => {
  const stack = await startSyncStack({ simulator: { seed: 23, scale: "small" } });
  const { sql } = stack;
  const [{ enabled: wasEnabled }] = await sql`select enabled from public.sync_schedule`;
  try {
    // Every enabled entity fresh and green, so only the scheduler can turn health red.
    await sql`insert into public.sync_state (entity, last_status, last_success_at, last_run_at)
      select entity, 'completed', now(), now() from public.sync_settings where enabled
      on conflict (entity) do update set last_status = 'completed',
        last_success_at = excluded.last_success_at, last_run_at = excluded.last_run_at`;
    // pg_cron must not stamp the heartbeat behind the test's back.
    await withJobsPaused(sql, async () => {
      await sql`update public.sync_schedule set enabled = false`;
      await sql`update public.sync_scheduler_heartbeat
        set last_dispatch_at = now() - interval '1 hour'`;
      const off = await stack.invoke("health");
      assert.equal(off.status, 503, JSON.stringify(off.body));
      assert.equal(off.body.status, "off", "a switched-off schedule is never green");
      assert.equal(off.body.scheduler.status, "off", "a switched-off schedule is not red");

      await sql`update public.sync_schedule set enabled = true`;
      const stopped = await stack.invoke("health");
      assert.equal(stopped.status, 503, JSON.stringify(stopped.body));
      assert.equal(stopped.body.status, "red");
      assert.ok(stopped.body.entities.length > 0, "the enabled entities are listed");
      assert.ok(stopped.body.entities.every((e: { status: string }) => e.status === "green"));
      assert.match(stopped.body.reason, /dispatcher has not run/);
      assert.equal(stopped.body.scheduler.status, "red");
      assert.equal(stopped.body.scheduler.enabled, true);
      const lastDispatch = Date.parse(stopped.body.scheduler.last_dispatch_at);
      assert.ok(Math.abs(Date.now() - 3_600_000 - lastDispatch) < 60_000, "the last dispatch");

      const anonymous = await fetch(`${stack.api.url}/functions/v1/health`);
      const anonymousBody = await anonymous.json();
      assert.equal(anonymous.status, 503);
      assert.deepEqual(Object.keys(anonymousBody.scheduler).sort(), [
        "enabled",
        "last_dispatch_at",
        "status",
      ]);
      assert.equal(anonymousBody.entities[0].last_error, undefined, "no error text for anon");

      // The job's own command, with nothing due (every entity paused for its transaction).
      await runJobCommand(sql, "sync-dispatch", { entities: [] });
      const revived = await stack.invoke("health");
      assert.equal(revived.status, 200, JSON.stringify(revived.body));
      assert.equal(revived.body.scheduler.status, "green");
      assert.ok(Date.now() - Date.parse(revived.body.scheduler.last_dispatch_at) < 60_000);
    });
  } finally {
    await sql`update public.sync_schedule set enabled = ${wasEnabled}`;
    await stack.stop();
  }
});

// Switched-off syncing is its own state, never a 200 green: with the schedule off every entity
// is `off` and health answers 503 saying why; with every entity paused it is `paused` (503); a
// single paused entity is listed as paused and does not colour the others.
Deno.test("health says off or paused, with a reason and 503, when syncing is switched off", async () => {
  const stack = await startSyncStack({ simulator: { seed: 24, scale: "small" } });
  const { sql } = stack;
  const [{ enabled: wasEnabled }] = await sql`select enabled from public.sync_schedule`;
  type EntityReply = { entity: string; status: string; colour: string; reason: string };
  const byEntity = (body: { entities: EntityReply[] }) =>
    Object.fromEntries(body.entities.map((e) => [e.entity, e]));
  try {
    await sql`insert into public.sync_state (entity, last_status, last_success_at, last_run_at)
      select entity, 'completed', now(), now() from public.sync_settings
      on conflict (entity) do update set last_status = 'completed',
        last_success_at = excluded.last_success_at, last_run_at = excluded.last_run_at`;
    await withJobsPaused(sql, async () => {
      await sql`update public.sync_scheduler_heartbeat set last_dispatch_at = now()`;

      await sql`update public.sync_schedule set enabled = false`;
      const off = await stack.invoke("health");
      assert.equal(off.status, 503, JSON.stringify(off.body));
      assert.equal(off.body.status, "off");
      assert.match(off.body.reason, /sync_schedule\.enabled is false/);
      // Listed in the registry's order, as the dashboard lists them.
      const listed = (off.body.entities as EntityReply[]).map((e) => e.entity);
      assert.deepEqual(listed.filter(isEntityName), entityNames);
      for (const e of off.body.entities as EntityReply[]) {
        assert.deepEqual([e.status, e.colour], ["off", "green"], e.entity);
        assert.match(e.reason, /schedule off/);
      }

      await sql`update public.sync_schedule set enabled = true`;
      await sql`update public.sync_settings set enabled = false where entity = 'sales'`;
      const onePaused = await stack.invoke("health");
      assert.equal(onePaused.status, 200, JSON.stringify(onePaused.body));
      assert.equal(onePaused.body.status, "green", "one paused entity does not colour the rest");
      assert.equal(byEntity(onePaused.body).sales.status, "paused");
      assert.match(byEntity(onePaused.body).sales.reason, /sync_settings\.enabled is false/);
      assert.equal(byEntity(onePaused.body).outlets.status, "green");

      await sql`update public.sync_settings set enabled = false`;
      const allPaused = await stack.invoke("health");
      assert.equal(allPaused.status, 503, JSON.stringify(allPaused.body));
      assert.equal(allPaused.body.status, "paused");
      assert.match(allPaused.body.reason, /every entity is paused/);
      assert.ok(allPaused.body.entities.length > 0, "paused entities are listed, not left out");
      const anonymous = await fetch(`${stack.api.url}/functions/v1/health`);
      const anonymousBody = await anonymous.json();
      assert.equal(anonymous.status, 503);
      assert.equal(anonymousBody.status, "paused", "anyone sees the state and the reason");
      assert.equal(anonymousBody.entities[0].last_error, undefined);
    });
  } finally {
    await sql`update public.sync_settings set enabled = true`;
    await sql`update public.sync_schedule set enabled = ${wasEnabled}`;
    await stack.stop();
  }
});

Deno.test("health shows near-real-time per entity, and no event never turns it red", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 24 },
    functionsEnv: { LIGHTSPEED_WEBHOOK_TOKEN: "webhook-token-for-tests-0123456789abcdef" },
  });
  const { sql } = stack;
  const [{ enabled: wasEnabled }] = await sql`select enabled from public.sync_schedule`;
  try {
    await sql`insert into public.sync_state (entity, last_status, last_success_at, last_run_at)
      select entity, 'completed', now(), now() from public.sync_settings where enabled
      on conflict (entity) do update set last_status = 'completed',
        last_success_at = excluded.last_success_at, last_run_at = excluded.last_run_at`;
    await withJobsPaused(sql, async () => {
      await sql`update public.sync_schedule set enabled = true`;
      await sql`update public.sync_scheduler_heartbeat set last_dispatch_at = now()`;
      type Entity = { entity: string; status: string; near_real_time: Record<string, unknown> };
      const quiet = await stack.invoke("health");
      const sales = () => quiet.body.entities.find((e: Entity) => e.entity === "sales");
      // No event ever: on, nothing received, and the entity as green as before.
      assert.deepEqual(sales().near_real_time, {
        on: true,
        last_event_at: null,
        event_to_sync_seconds: null,
      });
      assert.equal(sales().status, "green");
      assert.equal(quiet.status, 200, JSON.stringify(quiet.body));
      const outlets = quiet.body.entities.find((e: Entity) => e.entity === "outlets");
      assert.equal(outlets.near_real_time.on, false, "no webhook type covers outlets");

      await sql`insert into public.webhook_events (type, entity, record_id, last_received_at)
        values ('sale.update', 'sales', 'abc', now() - interval '10 seconds')`;
      await sql`insert into public.sync_log (entity, trigger, status, started_at, finished_at)
        values ('sales', 'webhook', 'completed', now() - interval '9 seconds',
          now() - interval '7 seconds')`;
      const after = await stack.invoke("health");
      const row = after.body.entities.find((e: Entity) => e.entity === "sales");
      assert.ok(Date.now() - Date.parse(row.near_real_time.last_event_at) < 60_000);
      assert.equal(row.near_real_time.event_to_sync_seconds, 3);
      assert.equal(after.status, quiet.status);
      assert.equal(row.status, "green");
    });
  } finally {
    await sql`update public.sync_schedule set enabled = ${wasEnabled}`;
    await stack.stop();
  }
});
