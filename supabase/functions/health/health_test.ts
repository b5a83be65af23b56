// Health notices a stopped scheduler: with the schedule on and no dispatcher run for more than
// 5 minutes it answers 503 and says so in `scheduler`, even while every entity is still green;
// the dispatcher's own command (as pg_cron runs it) makes it green again. Anonymous callers get
// the colour and time, never error text.
import assert from "node:assert/strict";
import { runJobCommand, withJobsPaused } from "../../../dev/ops/scheduled_job.ts";
import { startSyncStack } from "../../../dev/testing/sync_stack.ts";

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
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.status, "green");
      assert.equal(off.body.scheduler.status, "off", "a switched-off schedule is not an alarm");

      await sql`update public.sync_schedule set enabled = true`;
      const stopped = await stack.invoke("health");
      assert.equal(stopped.status, 503, JSON.stringify(stopped.body));
      assert.equal(stopped.body.status, "red");
      assert.ok(stopped.body.entities.every((e: { status: string }) => e.status === "green"));
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
