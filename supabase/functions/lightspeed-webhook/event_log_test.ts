// Who drives an entity's passes, against the local PostgreSQL: the first event's instance, not
// the next ones'; a driver about to run out of time is taken over, and then stops driving.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../dev/testing/database.ts";
import { recordEvent, releaseIfQuiet, startPass } from "./event_log.ts";
import type { WebhookEvent } from "./webhook_body.ts";

// Consignment events: no other test of this file sends them, so no pass of another test interferes.
const event: WebhookEvent = { type: "consignment.send", recordId: "c-1", version: "7" };

Deno.test("one driver at a time; one with no time left is taken over and stops", async () => {
  const sql = await connectTestDatabase();
  const cleanUp = async () => {
    await sql`delete from sync_private.webhook_passes where entity = 'consignments'`;
    await sql`delete from public.webhook_events where entity = 'consignments'`;
  };
  await cleanUp();
  try {
    const driver = (id: string, leftMs: number) => ({
      id,
      until: Date.now() + leftMs,
      handoverMs: 5_000,
    });
    const [a, b, c, d] = Array.from({ length: 4 }, () => crypto.randomUUID());
    assert.deepEqual(await recordEvent(sql, event, driver(a, 2_000)), {
      drives: true,
      deliveryCount: 1,
    });
    // a has 2 s left, less than the 5 s hand-over: b takes over.
    assert.equal((await recordEvent(sql, event, driver(b, 60_000))).drives, true);
    const third = await recordEvent(sql, event, driver(c, 60_000));
    assert.deepEqual(third, { drives: false, deliveryCount: 3 });
    assert.equal(await startPass(sql, "consignments", a, 1_000), null, "a no longer drives");
    assert.deepEqual(await startPass(sql, "consignments", b, 1_000), { waitMs: 0 });
    assert.equal(await releaseIfQuiet(sql, "consignments", b), true);
    assert.equal((await recordEvent(sql, event, driver(d, 60_000))).drives, true);
    // d's pass is due only a second after b's started.
    const next = await startPass(sql, "consignments", d, 1_000);
    assert.ok(next !== null && next.waitMs > 0 && next.waitMs <= 1_000, JSON.stringify(next));
  } finally {
    await cleanUp();
    await sql.end({ timeout: 5 });
  }
});
