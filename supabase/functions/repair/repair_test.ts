// The repair function over real HTTP against the simulator and the local PostgreSQL: each
// action, who may ask, and the acceptance checks (a corrupted sale repaired by the one-record
// re-fetch, a deleted week of sales brought back by the date-range re-fetch), compared value
// by value with the store.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { signInStaff } from "../../../dev/testing/staff_session.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import { rowChangesDuring } from "../../../dev/testing/table_snapshot.ts";

async function syncSales(stack: SyncStack) {
  for (const entity of ["outlets", "sales"]) {
    const reply = await stack.invoke("sync-entity", { entity });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  }
}

async function salesMismatches(stack: SyncStack): Promise<string[]> {
  return (await compareWithSource(stack.sql, stack.simulator.controlUrl, ["sales"])).mismatches;
}

async function salesCursor(stack: SyncStack): Promise<number> {
  const [row] = await stack.sql`select cursor from public.sync_state where entity = 'sales'`;
  return Number(row.cursor);
}

async function withSales(test: (stack: SyncStack) => Promise<void>) {
  const stack = await startSyncStack({ simulator: { seed: 21, scale: "demo" } });
  try {
    await syncSales(stack);
    assert.deepEqual(await salesMismatches(stack), []);
    await test(stack);
  } finally {
    await stack.stop();
  }
}

Deno.test("a corrupted sale and line item are repaired by the one-record re-fetch, cursor kept", async () => {
  await withSales(async (stack) => {
    const [sale] = await stack.sql`select s.id from public.lightspeed_sales as s
      where exists (select 1 from public.lightspeed_sale_line_items as l where l.sale_id = s.id)
      order by s.id limit 1`;
    await stack.sql`update public.lightspeed_sales set total_price = total_price + 1000
      where id = ${sale.id}`;
    await stack.sql`update public.lightspeed_sale_line_items set quantity = quantity + 7
      where sale_id = ${sale.id}`;
    assert.equal((await salesMismatches(stack)).length >= 2, true);
    const cursor = await salesCursor(stack);
    const reply = await stack.invoke("repair", { action: "record", entity: "sales", id: sale.id });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(
      [reply.body.status, reply.body.more, reply.body.progress.landed],
      ["completed", false, 1],
    );
    assert.deepEqual(await salesMismatches(stack), []);
    assert.equal(await salesCursor(stack), cursor, "a repair leaves the cursor alone");
    const [log] = await stack.sql`select action, entity, params, requested_by, requested_by_user,
      status, last_run_id from public.repair_log`;
    assert.deepEqual({ ...log, last_run_id: undefined }, {
      action: "record",
      entity: "sales",
      params: { entity: "sales", id: sale.id },
      requested_by: "operator",
      requested_by_user: null,
      status: "completed",
      last_run_id: undefined,
    });
    const [run] = await stack.sql`select trigger, status, records_received, records_updated
      from public.sync_log where id = ${log.last_run_id}`;
    assert.deepEqual({ ...run }, {
      trigger: "repair",
      status: "completed",
      records_received: 1,
      records_updated: 1,
    });
    const missing = await stack.invoke("repair", {
      action: "record",
      entity: "sales",
      id: "00000000-0000-4000-8000-000000000000",
    });
    assert.deepEqual([missing.body.status, missing.body.progress.not_found], ["completed", true]);
  });
});

Deno.test("a deleted week of sales comes back with the date-range re-fetch through /search", async () => {
  await withSales(async (stack) => {
    const zones = await stack.sql`select distinct time_zone from public.lightspeed_outlets`;
    const timeZone = zones[0].time_zone as string;
    // The week of local dates holding the most sales.
    const [week] = await stack.sql`
      with days as (
        select (sale_date at time zone ${timeZone})::date as d from public.lightspeed_sales)
      select f.d::text as first, (f.d + 6)::text as last
      from (select distinct d from days) as f
      order by (select count(*) from days where days.d between f.d and f.d + 6) desc, f.d
      limit 1`;
    const deleted = await stack.sql`delete from public.lightspeed_sales
      where (sale_date at time zone ${timeZone})::date between ${week.first}::date and ${week.last}::date
      returning id`;
    assert.ok(deleted.length >= 3, `only ${deleted.length} sales in the week`);
    assert.ok((await salesMismatches(stack)).length > 0);
    // One 503 on the search is retried within the shared budget.
    await stack.control("/faults", { faults: [{ type: "status", status: 503, path: "/search" }] });
    const cursor = await salesCursor(stack);
    const body = {
      action: "sales_range",
      from: week.first,
      to: week.last,
      ...(zones.length > 1 ? { time_zone: timeZone } : {}),
    };
    const reply = await stack.invoke("repair", body);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.status, "completed", JSON.stringify(reply.body));
    assert.equal(reply.body.progress.timeZone, timeZone);
    assert.ok(reply.body.progress.records >= deleted.length);
    assert.deepEqual(await salesMismatches(stack), []);
    assert.equal(await salesCursor(stack), cursor);
    const stats = await stack.control("/stats");
    assert.ok(JSON.stringify(stats).includes("/search"), "the sales came through /search");
    const again = await stack.invoke("repair", { continue: reply.body.repair_id });
    assert.equal(again.status, 409, "a finished repair has nothing left to do");
    const bad = await stack.invoke("repair", { ...body, from: "2026-02-30" });
    assert.equal(bad.status, 400);
  });
});

Deno.test("retrying rejects lands the records that are valid now and resolves their rejects", async () => {
  await withSales(async (stack) => {
    const [sale] = await stack.sql`delete from public.lightspeed_sales
      where id = (select min(id::text)::uuid from public.lightspeed_sales) returning id`;
    // As if an older validator had refused it; the fix is deployed, the record never changed.
    await stack.sql`insert into public.sync_rejects (entity, record_id, reason, raw)
      values ('sales', ${sale.id}, 'refused by an older validator', '{}'::jsonb),
        ('sales', 'not-a-sale', 'no such record', '{}'::jsonb)`;
    const reply = await stack.invoke("repair", { action: "rejects", entity: "sales" });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(
      [reply.body.status, reply.body.progress.tried, reply.body.progress.resolved],
      ["completed", 2, 1],
    );
    assert.equal(reply.body.progress.not_found, 1);
    const rejects = await stack.sql`select record_id, resolved_at is not null as resolved
      from public.sync_rejects order by record_id`;
    assert.deepEqual(rejects.map((r) => ({ ...r })), [
      { record_id: sale.id < "not-a-sale" ? sale.id : "not-a-sale", resolved: sale.id < "n" },
      { record_id: sale.id < "not-a-sale" ? "not-a-sale" : sale.id, resolved: sale.id >= "n" },
    ]);
    await stack.sql`delete from public.sync_rejects where record_id = 'not-a-sale'`;
    assert.deepEqual(await salesMismatches(stack), []);
  });
});

Deno.test("a re-read restarts one entity's import from version 0 and rewrites nothing", async () => {
  await withSales(async (stack) => {
    let reply = { status: 0, body: null as unknown as Record<string, unknown> };
    const changes = await rowChangesDuring(stack.sql, async () => {
      reply = await stack.invoke("repair", { action: "reread", entity: "sales" });
      assert.equal(reply.status, 202, JSON.stringify(reply.body));
      for (let i = 0; i < 120; i++) {
        const [state] = await stack.sql`select import_status from public.sync_state
          where entity = 'sales'`;
        if (state.import_status === "completed") return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.fail("the re-read did not complete");
    });
    assert.deepEqual(changes, [], "the guarded upsert rewrote rows");
    const [state] = await stack.sql`select import_records, import_id::text from public.sync_state
      where entity = 'sales'`;
    assert.equal(state.import_id, (reply.body.progress as { import_id: string }).import_id);
    assert.ok(state.import_records > 0, "the re-read read every sale again");
  });
});

Deno.test("only the operator secret or staff with the operator role may repair", async () => {
  const stack = await startSyncStack({ simulator: { seed: 22, scale: "demo" } });
  const staff = await signInStaff(stack, "repair-staff");
  try {
    const body = { action: "rejects", entity: "sales" };
    assert.equal((await stack.invoke("repair", body, { "x-sync-secret": "" })).status, 401);
    const plain = await stack.invoke("repair", body, staff.headers);
    assert.equal(plain.status, 403, JSON.stringify(plain.body));
    await stack.sql`update public.staff_members set operator = true
      where user_id = (select id from auth.users where email like 'repair-staff-%')`;
    const operator = await stack.invoke("repair", body, staff.headers);
    assert.equal(operator.status, 200, JSON.stringify(operator.body));
    const [log] = await stack.sql`select requested_by, requested_by_user is not null as named
      from public.repair_log`;
    assert.deepEqual({ ...log }, { requested_by: "staff", named: true });
  } finally {
    await staff.remove();
    await stack.stop();
  }
});

/** Consecutive UTC days holding between `min` and `max` sales of the store, oldest first. */
function daysHolding(saleDates: string[], min: number, max: number) {
  const days = [...new Set(saleDates.map((d) => d.slice(0, 10)))].sort();
  const countIn = (from: string, to: string) =>
    saleDates.filter((d) => d.slice(0, 10) >= from && d.slice(0, 10) <= to).length;
  for (const [i, from] of days.entries()) {
    for (const to of days.slice(i)) {
      const count = countIn(from, to);
      if (count > max) break;
      if (count >= min) return { from, to, count };
    }
  }
  throw new Error(`No run of days holds ${min} to ${max} sales`);
}

Deno.test("a date range that does not fit one invocation continues where it stopped", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 23, scale: "demo" },
    functionsEnv: { SYNC_TIME_BUDGET_MS: "5000", LIGHTSPEED_PAGE_SIZE: "2" },
  });
  try {
    const source = (await stack.control("/dump?entity=sales")).data as { sale_date: string }[];
    const range = daysHolding(source.map((s) => s.sale_date), 7, 12);
    // Each search page takes a second: three fit in the 5 s budget, less its closing reserve.
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: 1000, path: "/search", count: 100 }],
    });
    let reply = await stack.invoke("repair", {
      action: "sales_range",
      from: range.from,
      to: range.to,
      time_zone: "UTC",
    });
    const steps = [reply.body.status];
    while (reply.status === 200 && reply.body.more) {
      reply = await stack.invoke("repair", { continue: reply.body.repair_id });
      steps.push(reply.body.status);
    }
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.ok(steps.length >= 2, `one invocation did it all: ${JSON.stringify(reply.body)}`);
    assert.deepEqual([steps.at(0), steps.at(-1)], ["partial", "completed"]);
    assert.equal(reply.body.progress.records, range.count);
    const [landed] = await stack.sql`select count(*)::int as count from public.lightspeed_sales`;
    assert.equal(landed.count, range.count, "every sale of the range, each once");
    const runs = await stack.sql`select status from public.sync_log
      where trigger = 'repair' order by id`;
    assert.equal(runs.length, steps.length, "one repair run per invocation");
  } finally {
    await stack.stop();
  }
});
