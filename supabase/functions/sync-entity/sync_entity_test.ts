// sync-entity over real HTTP against the simulator and the local PostgreSQL.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import { rowChangesDuring } from "../../../dev/testing/table_snapshot.ts";
import {
  type EntityName,
  entityNames,
  getEntity,
  keyColumns,
} from "../_shared/entities/registry.ts";

async function syncAll(stack: SyncStack, entities: readonly string[] = entityNames) {
  const replies = [];
  for (const entity of entities) {
    const reply = await stack.invoke("sync-entity", { entity });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    replies.push(reply.body);
  }
  return replies;
}

async function assertMatchesSource(stack: SyncStack) {
  const comparison = await compareWithSource(
    stack.sql,
    stack.simulator.controlUrl,
    entityNames as EntityName[],
  );
  assert.deepEqual(comparison.mismatches, []);
  assert.ok(comparison.rowsCompared > 1000, `compared only ${comparison.rowsCompared} rows`);
}

async function countChanges(stack: SyncStack) {
  const [row] = await stack.sql`
    select coalesce(sum(records_inserted + records_updated), 0)::int as changed from public.sync_log`;
  return row.changed as number;
}

Deno.test("sync-entity lands every entity equal to the source, and a re-run changes zero rows", async () => {
  const stack = await startSyncStack({ simulator: { seed: 11, scale: "demo" } });
  try {
    const first = await syncAll(stack);
    assert.deepEqual(
      first.map((r) => [r.entity, r.status, r.more]),
      entityNames.map((entity) => [entity, "completed", false]),
    );
    assert.ok(first.find((r) => r.entity === "sales").records > 0);
    await assertMatchesSource(stack);
    const changedAfterFirst = await countChanges(stack);
    let second: Awaited<ReturnType<typeof syncAll>> = [];
    const requestsBefore = (await stack.control("/stats")).requests;
    const rewritten = await rowChangesDuring(stack.sql, async () => {
      second = await syncAll(stack);
    });
    assert.deepEqual(rewritten, [], "a re-run after success wrote rows");
    // Nothing changed: one request per entity, its empty page (README "Settings").
    const requests = (await stack.control("/stats")).requests - requestsBefore;
    assert.equal(requests, entityNames.length, "a no-change pass costs one request per entity");
    assert.deepEqual(
      second.map((r) => [r.entity, r.status, r.records]),
      entityNames.map((entity) => [entity, "completed", 0]),
    );
    assert.equal(
      await countChanges(stack),
      changedAfterFirst,
      "a re-run after success changed rows",
    );
    const [log] = await stack.sql`
      select count(*)::int as runs, count(*) filter (where status = 'completed')::int as completed
      from public.sync_log`;
    assert.deepEqual(log, { runs: entityNames.length * 2, completed: entityNames.length * 2 });
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity lands edits, deletes, voids, layby payoffs, removed lines and new sales", async () => {
  const stack = await startSyncStack({ simulator: { seed: 12, scale: "demo" } });
  try {
    await syncAll(stack);
    const changes = await stack.control("/mutate", {
      seed: 3,
      customerEdits: 5,
      productEdits: 5,
      customerDeletes: 2,
      productDeletes: 2,
      laybyPayoffs: 2,
      onAccountPayoffs: 1,
      voids: 2,
      lineItemRemovals: 2,
      newSales: 10,
      stockMovements: 10,
      lookupEdits: 2,
      lookupDeletes: 1,
    });
    assert.ok(changes.voids.length > 0 && changes.lineItemRemovals.length > 0);
    await syncAll(stack);
    await assertMatchesSource(stack);
    await assertLookupChangesLanded(stack, changes);
    const voided = await stack.sql`
      select status from public.lightspeed_sales where id = any(${changes.voids}::uuid[])`;
    assert.ok(voided.length > 0 && voided.every((s) => s.status === "VOIDED"));
    const paidOff = await stack.sql`
      select status from public.lightspeed_sales where id = any(${changes.laybyPayoffs}::uuid[])`;
    assert.ok(changes.laybyPayoffs.length > 0, "the store had laybys to pay off");
    assert.deepEqual(
      paidOff.map((s) => s.status),
      changes.laybyPayoffs.map(() => "LAYBY_CLOSED"),
    );
    const removed = await stack.sql`
      select count(*)::int as n from public.lightspeed_sale_line_items
      where id = any(${changes.removedLineItemIds}::uuid[])`;
    assert.equal(removed[0].n, 0);
    const deleted = await stack.sql`
      select count(*)::int as n from public.lightspeed_customers
      where id = any(${changes.customerDeletes}::uuid[]) and deleted_at is not null`;
    assert.equal(deleted[0].n, changes.customerDeletes.length);
    const deletedProducts = await stack.sql`
      select count(*)::int as n from public.lightspeed_products
      where id = any(${changes.productDeletes}::uuid[]) and deleted_at is not null`;
    assert.equal(deletedProducts[0].n, changes.productDeletes.length);
    const returns = await stack.sql`
      select count(*)::int as n from public.lightspeed_sale_line_items where quantity < 0`;
    assert.ok(returns[0].n > 0, "returns (negative quantities) landed");
  } finally {
    await stack.stop();
  }
});

type LookupChanges = Record<string, string[]>;

/** Every lookup edited or deleted at the source is stored with its new version (and tombstone). */
async function assertLookupChangesLanded(
  stack: SyncStack,
  changes: { previousMaxVersion: number; lookupEdits: LookupChanges; lookupDeletes: LookupChanges },
) {
  const deleted = Object.keys(changes.lookupDeletes).sort();
  assert.deepEqual(deleted, ["customer_groups", "outlet_taxes", "tags"]);
  for (
    const [changed, what] of [[changes.lookupEdits, "edited"], [
      changes.lookupDeletes,
      "deleted",
    ]] as const
  ) {
    for (const [name, keys] of Object.entries(changed)) {
      assert.ok(keys.length > 0, `${name}: nothing ${what}`);
      const entity = getEntity(name as EntityName);
      const key = keyColumns(entity).map((k) => `${k.column}::text`).join(" || '/' || ");
      const [row] = await stack.sql.unsafe(
        `select count(*)::int as n from public.${entity.table}
         where ${key} = any($1::text[]) and version > $2
           and (deleted_at is not null or not $3)`,
        [keys, changes.previousMaxVersion, what === "deleted"],
      );
      assert.equal(row.n, keys.length, `${name} ${what}: ${keys.join(", ")}`);
    }
  }
}

Deno.test("sync-entity rides out a 429 storm and a 5xx burst without losing anything", async () => {
  // A set register count: every request below belongs to a run and is counted in sync_log.
  const stack = await startSyncStack({
    simulator: { seed: 13, scale: "demo" },
    functionsEnv: { LIGHTSPEED_REGISTER_COUNT: "9" },
  });
  try {
    await stack.control("/faults", {
      faults: [
        {
          type: "status",
          status: 429,
          count: 3,
          retryAfter: "date",
          retryAfterSeconds: 1,
          path: "/customers",
        },
        { type: "status", status: 503, count: 3, path: "/sales" },
        { type: "reset", count: 1, path: "/products" },
        { type: "truncate", count: 1, path: "/inventory" },
      ],
    });
    const replies = await syncAll(stack);
    assert.deepEqual(
      replies.map((r) => [r.entity, r.status]),
      entityNames.map((entity) => [entity, "completed"]),
      JSON.stringify(replies),
    );
    await assertMatchesSource(stack);
    const [log] = await stack.sql`
      select sum(rate_limited)::int as rate_limited, sum(requests)::int as requests
      from public.sync_log`;
    assert.equal(log.rate_limited, 3);
    const stats = await stack.control("/stats");
    assert.equal(stats.violations, 0);
    assert.equal(log.requests, stats.requests);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity files malformed records in sync_rejects and lands the rest of the page", async () => {
  const stack = await startSyncStack({ simulator: { seed: 14, scale: "demo" } });
  try {
    const faults = await stack.control("/faults", {
      faults: [
        // Every kind once for customers, NUL character included; three kinds for sales.
        { type: "malformed", entity: "customers", count: 7 },
        { type: "malformed", entity: "sales", count: 3 },
        { type: "hostile", entity: "customers", count: 2 },
        // Records without an id break their key instead; a brand without a valid version.
        { type: "malformed", entity: "outlet_taxes", count: 4 },
        { type: "malformed", entity: "brands", count: 2 },
      ],
    });
    const entities: EntityName[] = ["customers", "sales", "outlet_taxes", "brands"];
    const replies = await syncAll(stack, entities);
    assert.deepEqual(
      replies.map((r) => [r.entity, r.status]),
      entities.map((entity) => [entity, "completed"]),
    );
    // Every value stored, and exactly the corrupted records rejected with their reasons.
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, entities);
    assert.deepEqual(comparison.mismatches, []);
    const rejects = await stack.sql<{ entity: string; record_id: string; reason: string }[]>`
      select entity, record_id, reason from public.sync_rejects`;
    const corrupted = faults.injected.filter((r: { kind: string }) =>
      !["unexpected_fields", "hostile"].includes(r.kind)
    );
    assert.deepEqual(
      rejects.map((r) => `${r.entity} ${r.record_id}`).sort(),
      corrupted.map((r: { entity: string; id: string }) => `${r.entity} ${r.id}`).sort(),
    );
    assert.deepEqual(rejects.map((r) => `${r.entity}: ${r.reason.slice(0, 40)}`).sort(), [
      "brands: Invalid record: id: expected a UUID-shap",
      "brands: Invalid record: version: expected a posi",
      "customers: Invalid record: contains a NUL character",
      "customers: Invalid record: id: expected a UUID-shap",
      "customers: Invalid record: id: expected a UUID-shap",
      "customers: Invalid record: id: expected a UUID-shap",
      "customers: Invalid record: version: expected a posi",
      "customers: Invalid record: year_to_date: expected a",
      "outlet_taxes: Invalid record: product_id: expected a U",
      "outlet_taxes: Invalid record: product_id: expected a U",
      "outlet_taxes: Invalid record: version: expected a posi",
      "sales: Invalid record: id: expected a UUID-shap",
      "sales: Invalid record: id: expected a UUID-shap",
      "sales: Invalid record: version: expected a posi",
    ]);
    const [log] = await stack.sql`
      select sum(records_rejected)::int as rejected from public.sync_log`;
    assert.equal(log.rejected, rejects.length);
    const hostile = await stack.sql`
      select count(*)::int as n from public.lightspeed_customers where raw::text like '%onerror%'`;
    assert.ok(hostile[0].n > 0, "hostile strings are stored as data");
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity with a wrong token records a failed run with a clear message and red health", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 15, scale: "demo" },
    functionsEnv: { LIGHTSPEED_TOKEN: "wrong-token-value-123", LIGHTSPEED_REGISTER_COUNT: "1" },
  });
  try {
    const reply = await stack.invoke("sync-entity", { entity: "customers" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, "failed");
    assert.match(reply.body.error, /LIGHTSPEED_TOKEN/);
    assert.ok(!JSON.stringify(reply.body).includes("wrong-token-value-123"));
    const [log] = await stack
      .sql`select status, error from public.sync_log where entity = 'customers'`;
    assert.equal(log.status, "failed");
    assert.match(log.error, /401/);
    const health = await stack.invoke("health");
    assert.equal(health.status, 503);
    const customers = health.body.entities.find((e: { entity: string }) =>
      e.entity === "customers"
    );
    // The freshness colour; `status` also says whether the schedule is on (health_test.ts).
    assert.equal(customers.colour, "red");
    assert.match(customers.last_error, /LIGHTSPEED_TOKEN/);
    // Without credentials: colours, no error text.
    const anonymous = await fetch(`${stack.api.url}/functions/v1/health`);
    const body = await anonymous.json();
    assert.equal(anonymous.status, 503);
    assert.ok(!JSON.stringify(body).includes("LIGHTSPEED_TOKEN"));
    assert.equal(body.entities[0].last_error, undefined);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity: of two simultaneous calls for one entity, one runs and one is skipped", async () => {
  const stack = await startSyncStack({ simulator: { seed: 16, scale: "demo" } });
  try {
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: 1500, count: 1, path: "/sales" }],
    });
    const [a, b] = await Promise.all([
      stack.invoke("sync-entity", { entity: "sales" }),
      stack.invoke("sync-entity", { entity: "sales" }),
    ]);
    const statuses = [a.body.status, b.body.status].sort();
    assert.deepEqual(statuses, ["completed", "skipped"]);
    await assertMatchesSourceFor(stack, ["sales"]);
  } finally {
    await stack.stop();
  }
});

async function assertMatchesSourceFor(stack: SyncStack, entities: EntityName[]) {
  const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, entities);
  assert.deepEqual(comparison.mismatches, []);
}

Deno.test("sync-entity stops at its time budget with a checkpoint, and the next call continues", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 17, scale: "demo", latency: { baseMs: 450, perRecordMs: 0 } },
    functionsEnv: { SYNC_TIME_BUDGET_MS: "5000", LIGHTSPEED_PAGE_SIZE: "20" },
  });
  try {
    const first = await stack.invoke("sync-entity", { entity: "sales" });
    assert.equal(first.body.status, "partial");
    assert.equal(first.body.more, true);
    assert.ok(first.body.pages > 0 && first.body.duration_ms < 5000, JSON.stringify(first.body));
    const [state] = await stack.sql`select cursor from public.sync_state where entity = 'sales'`;
    assert.equal(state.cursor, first.body.cursor);
    let last = first.body;
    for (let i = 0; i < 10 && last.more; i++) {
      last = (await stack.invoke("sync-entity", { entity: "sales" })).body;
    }
    assert.equal(last.status, "completed");
    await assertMatchesSourceFor(stack, ["sales"]);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity refuses callers without credentials and explains bad requests", async () => {
  const stack = await startSyncStack({ simulator: { seed: 18, scale: "demo" } });
  try {
    const url = `${stack.api.url}/functions/v1/sync-entity`;
    const noSecret = await fetch(url, { method: "POST", body: '{"entity":"sales"}' });
    assert.equal(noSecret.status, 401);
    await noSecret.body?.cancel();
    const wrongSecret = await stack.invoke("sync-entity", { entity: "sales" }, {
      "x-sync-secret": "nope",
    });
    assert.equal(wrongSecret.status, 401);
    const unknown = await stack.invoke("sync-entity", { entity: "<script>" });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.valid_entities, entityNames);
    const badBody = await stack.invoke("sync-entity", ["sales"]);
    assert.equal(badBody.status, 400);
    const [log] = await stack.sql`select count(*)::int as n from public.sync_log`;
    assert.equal(log.n, 0, "refused calls start no run");
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity re-reads an overlap window once a day: missed records return, nothing doubles", async () => {
  const stack = await startSyncStack({ simulator: { seed: 19, scale: "demo" } });
  try {
    await stack.invoke("sync-entity", { entity: "sales" });
    const changes = await stack.control("/mutate", { seed: 4, newSales: 6 });
    await stack.invoke("sync-entity", { entity: "sales" });
    // The first run is now two days old and the overlap is due; pretend the later records were
    // missed (committed late, below the cursor).
    await stack.sql`
      update public.sync_log set finished_at = now() - interval '2 days'
      where id = (select min(id) from public.sync_log where entity = 'sales')`;
    await stack.sql`update public.sync_state set last_overlap_at = now() - interval '26 hours'`;
    await stack
      .sql`delete from public.lightspeed_sales where id = any(${changes.newSales}::uuid[])`;
    const [before] = await stack.sql`select cursor from public.sync_state where entity = 'sales'`;

    const overlap = await stack.invoke("sync-entity", { entity: "sales", trigger: "schedule" });
    assert.equal(overlap.body.status, "completed");
    assert.equal(overlap.body.cursor, before.cursor);
    const [log] = await stack.sql`
      select trigger, records_inserted, records_updated, records_unchanged
      from public.sync_log where id = ${overlap.body.run_id}`;
    assert.equal(log.trigger, "overlap");
    assert.equal(log.records_inserted, changes.newSales.length);
    assert.equal(log.records_updated, 0);
    await assertMatchesSourceFor(stack, ["sales"]);

    // Not due again until overlap_every has passed: the next run starts at the cursor...
    const next = await stack.invoke("sync-entity", { entity: "sales", trigger: "schedule" });
    assert.equal(next.body.records, 0);
    // ...unless the nightly run asks for the re-read, which costs pages and changes nothing.
    let nightly = { body: { status: "", records: 0, run_id: 0 } };
    const rewritten = await rowChangesDuring(stack.sql, async () => {
      nightly = await stack.invoke("sync-entity", {
        entity: "sales",
        trigger: "schedule",
        overlap: true,
      });
    });
    assert.deepEqual(rewritten, [], "the nightly re-read wrote rows");
    assert.equal(nightly.body.status, "completed");
    assert.ok(nightly.body.records >= changes.newSales.length);
    const [again] = await stack.sql`
      select trigger, records_inserted + records_updated as changed
      from public.sync_log where id = ${nightly.body.run_id}`;
    assert.deepEqual(again, { trigger: "overlap", changed: 0 });
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity checkpoints when the invocation's CPU budget is spent", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 20, scale: { sales: 8_000 } },
    functionsEnv: { SYNC_CPU_BUDGET_MS: "100" },
  });
  try {
    const first = await stack.invoke("sync-entity", { entity: "sales" });
    assert.equal(first.body.status, "partial", JSON.stringify(first.body));
    assert.ok(first.body.pages >= 1 && first.body.pages < 16, JSON.stringify(first.body));
    let last = first.body;
    for (let i = 0; i < 40 && last.more; i++) {
      last = (await stack.invoke("sync-entity", { entity: "sales" })).body;
    }
    assert.equal(last.status, "completed");
    await assertMatchesSourceFor(stack, ["sales"]);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity counts the register probe in its time budget", async () => {
  // Nothing synced and no LIGHTSPEED_REGISTER_COUNT: the first call asks /registers first.
  const stack = await startSyncStack({
    simulator: { seed: 22, scale: "demo" },
    functionsEnv: { SYNC_TIME_BUDGET_MS: "5000" },
  });
  try {
    const slowMs = 8_000;
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: slowMs, count: 1, path: "/registers" }],
    });
    const started = Date.now();
    const first = await stack.invoke("sync-entity", { entity: "customers" });
    const elapsed = Date.now() - started;
    assert.equal(first.status, 200);
    assert.ok(
      elapsed < 7_000,
      `a 5000 ms budget took ${elapsed} ms: ${JSON.stringify(first.body)}`,
    );
    assert.equal(first.body.status, "partial");
    // The register count was provisional; the next call asks again, and gets on with it.
    const second = await stack.invoke("sync-entity", { entity: "customers" });
    assert.equal(second.body.status, "completed", JSON.stringify(second.body));
    await assertMatchesSourceFor(stack, ["customers"]);
    // Let the simulator finish the reply it was holding before it stops.
    await new Promise((r) => setTimeout(r, Math.max(0, started + slowMs + 500 - Date.now())));
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity: an overlap re-read that fails before its first commit is still due", async () => {
  const stack = await startSyncStack({ simulator: { seed: 23, scale: "demo" } });
  try {
    await stack.invoke("sync-entity", { entity: "customers" });
    await stack.control("/mutate", { seed: 5, customerEdits: 3 });
    await stack.invoke("sync-entity", { entity: "customers" });
    await stack.sql`
      update public.sync_log set finished_at = now() - interval '2 days'
      where id = (select min(id) from public.sync_log where entity = 'customers')`;
    await stack.sql`
      update public.sync_state set last_overlap_at = now() - interval '26 hours'
      where entity = 'customers'`;
    await stack.control("/faults", {
      faults: [{ type: "status", status: 400, count: 1, path: "/customers" }],
    });
    const failed = await stack.invoke("sync-entity", { entity: "customers", trigger: "schedule" });
    assert.equal(failed.body.status, "failed");
    const [afterFailure] = await stack.sql`
      select last_overlap_at < now() - interval '25 hours' as still_due
      from public.sync_state where entity = 'customers'`;
    assert.equal(afterFailure.still_due, true, "the failed re-read was counted as done");

    const retried = await stack.invoke("sync-entity", { entity: "customers", trigger: "schedule" });
    assert.equal(retried.body.status, "completed");
    assert.ok(retried.body.records > 0, JSON.stringify(retried.body));
    const [log] = await stack.sql`
      select trigger from public.sync_log where id = ${retried.body.run_id}`;
    assert.equal(log.trigger, "overlap");
    const [afterSuccess] = await stack.sql`
      select last_overlap_at > now() - interval '1 minute' as done
      from public.sync_state where entity = 'customers'`;
    assert.equal(afterSuccess.done, true);
    // Done now: the next run starts at the cursor.
    const next = await stack.invoke("sync-entity", { entity: "customers", trigger: "schedule" });
    assert.equal(next.body.records, 0);
  } finally {
    await stack.stop();
  }
});
