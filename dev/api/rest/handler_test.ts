import assert from "node:assert/strict";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { startTestStack, type TestStack, uniqueSuffix } from "../auth/test_stack.ts";
import { createLocalUser, deleteLocalUser } from "../auth/users.ts";
import { localAnonKey, localServiceRoleKey } from "../local_keys.ts";
import { dataApiAccessMismatches, publicRelations } from "../../testing/data_api_access.ts";

interface Ctx {
  stack: TestStack;
  staff: SupabaseClient;
  visitor: SupabaseClient;
  anon: SupabaseClient;
  tokens: { staff: string; visitor: string };
  entities: string[];
}

async function withSeededStack(run: (ctx: Ctx) => Promise<void>) {
  const stack = await startTestStack();
  const suffix = uniqueSuffix();
  const staffEmail = `rest-staff-${suffix}@example.com`;
  const visitorEmail = `rest-visitor-${suffix}@example.com`;
  const entities = [`rest_a_${suffix}`, `rest_b_${suffix}`];
  const options = { auth: { persistSession: false, autoRefreshToken: false } };
  try {
    await createLocalUser(stack.sql, staffEmail, "staff-password", { staff: true });
    await createLocalUser(stack.sql, visitorEmail, "visitor-password", { staff: false });
    await stack.sql`insert into sync_settings (entity) values (${entities[0]}), (${entities[1]})`;
    await stack.sql`
      insert into sync_log (entity, status, started_at, records_received, error)
      select ${entities[0]}, s, now() - make_interval(mins => i), i, 'run ' || i
      from generate_series(1, 30) as i,
        lateral (select case when i % 3 = 0 then 'failed' else 'completed' end as s) x`;
    await stack.sql`insert into sync_log (entity, status) values (${entities[1]}, 'completed')`;
    const staff = createClient(stack.url, localAnonKey, options);
    const visitor = createClient(stack.url, localAnonKey, options);
    const anon = createClient(stack.url, localAnonKey, options);
    const s = await staff.auth.signInWithPassword({
      email: staffEmail,
      password: "staff-password",
    });
    const v = await visitor.auth.signInWithPassword({
      email: visitorEmail,
      password: "visitor-password",
    });
    await run({
      stack,
      staff,
      visitor,
      anon,
      entities,
      tokens: { staff: s.data.session!.access_token, visitor: v.data.session!.access_token },
    });
  } finally {
    await stack.sql`delete from sync_log where entity in ${stack.sql(entities)}`;
    await stack.sql`delete from sync_settings where entity in ${stack.sql(entities)}`;
    await deleteLocalUser(stack.sql, staffEmail);
    await deleteLocalUser(stack.sql, visitorEmail);
    await stack.close();
  }
}

Deno.test("createRestHandler() serves staff reads with filters, order, paging and counts", async () => {
  await withSeededStack(async ({ staff, entities }) => {
    const { data, count, error } = await staff.from("sync_history")
      .select("id,entity,status,records_received", { count: "exact" })
      .eq("entity", entities[0])
      .in("status", ["failed"])
      .order("records_received", { ascending: false })
      .range(2, 4);
    assert.equal(error, null);
    assert.equal(count, 10);
    assert.deepEqual(data!.map((r) => r.records_received), [24, 21, 18]);
    assert.deepEqual(Object.keys(data![0]).sort(), ["entity", "id", "records_received", "status"]);

    const recent = await staff.from("sync_history").select("*")
      .eq("entity", entities[0]).gte(
        "started_at",
        new Date(Date.now() - 5.5 * 60_000).toISOString(),
      )
      .lt("records_received", 100).neq("status", "failed");
    assert.deepEqual(recent.data!.map((r) => r.records_received).sort(), [1, 2, 4, 5]);

    const both = await staff.from("sync_status").select("entity,health")
      .in("entity", entities).order("entity");
    assert.deepEqual(both.data!.map((r) => r.entity), entities);
  });
});

Deno.test("createRestHandler() lets RLS hide everything from non-staff and anon", async () => {
  await withSeededStack(async ({ stack, visitor, anon, tokens }) => {
    const seen = await visitor.from("sync_history").select("*");
    assert.equal(seen.error, null);
    assert.deepEqual(seen.data, []);
    const status = await visitor.from("sync_status").select("*");
    assert.deepEqual(status.data, []);

    const denied = await anon.from("sync_status").select("*");
    assert.equal(denied.status, 401);
    assert.equal(denied.error?.code, "42501");

    // Raw HTTP with each token, as a curious user would.
    for (const [token, expected] of [[tokens.visitor, 200], [localAnonKey, 401]] as const) {
      const response = await fetch(`${stack.url}/rest/v1/sync_log?select=*`, {
        headers: { apikey: localAnonKey, authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, expected);
      const body = await response.json();
      if (expected === 200) assert.deepEqual(body, []);
      else assert.equal(body.code, "42501");
    }
    const noKey = await fetch(`${stack.url}/rest/v1/sync_log?select=*`, {
      headers: { authorization: `Bearer ${tokens.staff}` },
    });
    assert.equal(noKey.status, 401);
    await noKey.body?.cancel();

    const admin = await fetch(`${stack.url}/rest/v1/lightspeed_sales?select=id&limit=1`, {
      headers: { apikey: localServiceRoleKey },
    });
    assert.equal(admin.status, 200, "service role bypasses RLS as on Supabase");
    await admin.body?.cancel();
  });
});

// The same check as the chaos access scenario, on the shared database: exact statuses per role
// for every relation of public.
Deno.test("createRestHandler() refuses anon (401), shows non-staff no rows (200), staff all", async () => {
  await withSeededStack(async ({ stack, tokens }) => {
    const relations = await publicRelations(stack.sql);
    assert.ok(relations.includes("sync_status") && relations.includes("sync_schedule"));
    const mismatches = await dataApiAccessMismatches(relations, {
      restUrl: `${stack.url}/rest/v1`,
      apiKey: localAnonKey,
      nonStaffJwt: tokens.visitor,
      staffJwt: tokens.staff,
    });
    assert.deepEqual(mismatches, []);
  });
});

Deno.test("createRestHandler() refuses staff changes to operator-only settings", async () => {
  await withSeededStack(async ({ staff, entities }) => {
    for (
      const [table, change] of [
        ["sync_schedule", { call_timeout_ms: 10000 }],
        ["sync_schedule", { job_run_details_retention_days: 30 }],
        ["sync_schedule", { sync_log_retention_days: 30 }],
        ["sync_settings", { overlap_window: "1 hour" }],
        ["sync_settings", { overlap_every: "2 hours" }],
      ] as const
    ) {
      const query = staff.from(table).update(change);
      const reply = table === "sync_schedule"
        ? await query.eq("id", true)
        : await query.eq("entity", entities[0]);
      assert.equal(reply.status, 403, `${table} ${JSON.stringify(change)}`);
      assert.equal(reply.error?.code, "42501");
    }
  });
});

Deno.test("createRestHandler() answers PostgREST-like errors", async () => {
  await withSeededStack(async ({ stack, staff, tokens }) => {
    const missing = await staff.from("no_such_view").select("*");
    assert.equal(missing.status, 404);
    assert.equal(missing.error?.code, "PGRST205");
    const column = await staff.from("sync_status").select("nope");
    assert.equal(column.status, 400);
    assert.equal(column.error?.code, "42703");
    const hostile = await fetch(
      `${stack.url}/rest/v1/sync_status?select=${encodeURIComponent("entity;drop table x")}`,
      { headers: { apikey: localAnonKey, authorization: `Bearer ${tokens.staff}` } },
    );
    assert.equal(hostile.status, 400);
    await hostile.body?.cancel();
    const otherSchema = await fetch(`${stack.url}/rest/v1/users`, {
      headers: {
        apikey: localAnonKey,
        authorization: `Bearer ${tokens.staff}`,
        "accept-profile": "auth",
      },
    });
    assert.equal(otherSchema.status, 406);
    await otherSchema.body?.cancel();
    const expiredKeyLike = await fetch(`${stack.url}/rest/v1/sync_status`, {
      headers: { apikey: localAnonKey, authorization: "Bearer not.a.jwt" },
    });
    assert.equal(expiredKeyLike.status, 401);
    await expiredKeyLike.body?.cancel();
  });
});

Deno.test("createRestHandler() PATCH lets staff change only operator settings", async () => {
  await withSeededStack(async ({ stack, staff, visitor, anon, entities }) => {
    const changed = await staff.from("sync_settings")
      .update({ enabled: false, yellow_after: "45 minutes" })
      .eq("entity", entities[0]).select();
    assert.equal(changed.error, null);
    assert.equal(changed.data!.length, 1);
    assert.equal(changed.data![0].enabled, false);
    assert.equal(changed.data![0].yellow_after, "00:45:00");

    const minimal = await staff.from("sync_settings").update({ enabled: true })
      .eq("entity", entities[1]);
    assert.equal(minimal.status, 204);

    const rename = await staff.from("sync_settings").update({ entity: "hijack" })
      .eq("entity", entities[0]);
    assert.equal(rename.status, 403);
    assert.equal(rename.error?.code, "42501");

    const bad = await staff.from("sync_settings").update({ red_after: "1 minute" })
      .eq("entity", entities[0]);
    assert.equal(bad.status, 400);
    assert.equal(bad.error?.code, "23514");

    const sneaky = await visitor.from("sync_settings").update({ enabled: true })
      .eq("entity", entities[0]).select();
    assert.deepEqual(sneaky.data, []);
    const anonymous = await anon.from("sync_settings").update({ enabled: true })
      .eq("entity", entities[0]);
    assert.equal(anonymous.status, 401);

    const [row] = await stack.sql`select enabled from sync_settings where entity = ${entities[0]}`;
    assert.equal(row.enabled, false, "neither the visitor nor anon changed the setting");
  });
});

Deno.test("createRestHandler() reads boolean filters as PostgREST does (eq.true, eq.false)", async () => {
  await withSeededStack(async ({ stack, staff, entities }) => {
    await stack.sql`update sync_settings set enabled = false where entity = ${entities[0]}`;
    const paused = await staff.from("sync_settings").select("entity").in("entity", entities)
      .eq("enabled", false);
    assert.deepEqual(paused.data, [{ entity: entities[0] }]);
    const running = await staff.from("sync_settings").select("entity").in("entity", entities)
      .eq("enabled", true);
    assert.deepEqual(running.data, [{ entity: entities[1] }]);
    // The dashboard's schedule save filters the singleton row the same way (id=eq.true).
    const resumed = await staff.from("sync_settings").update({ enabled: true })
      .in("entity", entities).eq("enabled", false).select();
    assert.deepEqual(resumed.data!.map((row) => [row.entity, row.enabled]), [[entities[0], true]]);
  });
});
