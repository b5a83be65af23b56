// The run's trigger comes from the caller, over real HTTP against the simulator and the local
// PostgreSQL: a staff body that says `schedule` or `import` is recorded as the staff member's
// click and still gets its overlap re-read.
import assert from "node:assert/strict";
import { signInStaff } from "../../../dev/testing/staff_session.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import { runTriggerFor } from "./run_trigger.ts";

Deno.test("runTriggerFor() believes only the operator's `schedule`, never a staff claim", () => {
  const staff = { kind: "staff", userId: "00000000-0000-4000-8000-000000000001" } as const;
  const operator = { kind: "operator" } as const;
  const claims = ["schedule", "manual", "dashboard", "import", undefined] as const;
  assert.deepEqual(claims.map((c) => runTriggerFor(staff, c)), Array(5).fill("dashboard"));
  assert.deepEqual(claims.map((c) => runTriggerFor(operator, c)), [
    "schedule",
    "manual",
    "manual",
    "manual",
    "manual",
  ]);
});

async function runRow(stack: SyncStack, runId: number) {
  const [row] = await stack.sql`
    select trigger, cursor_start, records_received from public.sync_log where id = ${runId}`;
  return row;
}

/** Makes the overlap re-read due for sales: the first run is old enough, none done yet. */
async function makeOverlapDue(stack: SyncStack) {
  await stack.sql`
    update public.sync_log set finished_at = now() - interval '2 days'
    where id = (select min(id) from public.sync_log where entity = 'sales')`;
  await stack.sql`update public.sync_state set last_overlap_at = null`;
}

Deno.test("a staff body's trigger is ignored: recorded as dashboard, and the overlap re-read still runs", async () => {
  const stack = await startSyncStack({ simulator: { seed: 71, scale: "demo" } });
  const staff = await signInStaff(stack, "run-trigger-staff");
  try {
    const first = await stack.invoke("sync-entity", { entity: "sales" });
    assert.equal(first.body.status, "completed", JSON.stringify(first.body));
    await stack.control("/mutate", { seed: 5, newSales: 4 });
    // No re-read due yet (the first run is recent): the run is the staff member's click.
    await stack.sql`update public.sync_state set last_overlap_at = now()`;
    const claimed = await stack.invoke(
      "sync-entity",
      { entity: "sales", trigger: "schedule" },
      staff.headers,
    );
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    assert.equal((await runRow(stack, claimed.body.run_id)).trigger, "dashboard");

    // A re-read due: a staff body saying `import` must not skip it.
    await makeOverlapDue(stack);
    const [{ cursor }] = await stack
      .sql`select cursor from public.sync_state where entity = 'sales'`;
    const asImport = await stack.invoke(
      "sync-entity",
      { entity: "sales", trigger: "import" },
      staff.headers,
    );
    assert.equal(asImport.status, 200, JSON.stringify(asImport.body));
    const run = await runRow(stack, asImport.body.run_id);
    assert.equal(run.trigger, "overlap", "the run re-read the overlap window");
    assert.ok(Number(run.cursor_start) < Number(cursor), "it started below the cursor");
    assert.ok(run.records_received > 0);
  } finally {
    await staff.remove().catch(() => {});
    await stack.stop();
  }
});

Deno.test("an operator's body cannot claim `import` or `dashboard` either", async () => {
  const stack = await startSyncStack({ simulator: { seed: 72, scale: "demo" } });
  try {
    const asImport = await stack.invoke("sync-entity", { entity: "outlets", trigger: "import" });
    assert.equal(asImport.status, 200, JSON.stringify(asImport.body));
    assert.equal((await runRow(stack, asImport.body.run_id)).trigger, "manual");
    const asDashboard = await stack.invoke("sync-entity", {
      entity: "outlets",
      trigger: "dashboard",
    });
    assert.equal((await runRow(stack, asDashboard.body.run_id)).trigger, "manual");
    const scheduled = await stack.invoke("sync-entity", { entity: "outlets", trigger: "schedule" });
    assert.equal((await runRow(stack, scheduled.body.run_id)).trigger, "schedule");
  } finally {
    await stack.stop();
  }
});
