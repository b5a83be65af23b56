// Scenario 5, access: through the Data API (/rest/v1 runs as the caller's role, so PostgreSQL's
// grants and RLS decide) `anon` is refused (401), a signed-in user who is not staff gets 200 with
// no rows, staff read every relation (dev/testing/data_api_access.ts); nobody but the operator
// changes retention and timeouts; anon and non-staff change nothing, and can call no SQL function beyond those granted on purpose; the functions refuse every caller without the secret or a staff JWT (expired,
// service-role or API keys included) and give anonymous callers of health only the colours;
// and no secret value appears in any log, table or reply the whole suite captured.
import assert from "node:assert/strict";
import { createLocalUser, deleteLocalUser } from "../dev/api/auth/users.ts";
import { type LocalApi, startLocalApi } from "../dev/api/server.ts";
import {
  localAnonKey,
  localJwtSecret,
  localServiceRoleKey,
  signJwt,
} from "../dev/api/local_keys.ts";
import { dataApiAccessMismatches, publicRelations } from "../dev/testing/data_api_access.ts";
import { resetSyncData } from "../dev/testing/database.ts";
import { chaosDatabaseUrl, connectChaosDatabase } from "./second_cluster.ts";
import {
  call,
  captured,
  functionsEnv,
  type Json,
  newSecret,
  secrets,
  secretsInCaptured,
  secretsInDatabase,
  startFunctions,
  startSim,
  syncSecret,
  tally,
} from "./harness.ts";

const publicHealthKeys = [
  "colour",
  "cursor",
  "entity",
  "lag_seconds",
  "last_success_at",
  "near_real_time",
  "reason",
  "status",
];
// Whether webhooks keep the entity fresh: times only, no error text.
const publicNearRealTimeKeys = ["event_to_sync_seconds", "last_event_at", "on"];
const publicSchedulerKeys = ["enabled", "last_dispatch_at", "status"];

/**
 * The product's schema the Data API exposes (supabase/config.toml, api.schemas; the other one,
 * graphql_public, is the platform's pg_graphql entry point, which obeys the same grants).
 */
const exposedSchemas = ["public"];

/**
 * The functions signed-in users may execute, on purpose, each with a query through it and what
 * that must give a non-staff user and staff: is_staff() answers only about the caller (through
 * staff_members' own-row policy), the colour rule is pure (its arguments alone), and the
 * scheduler's health reads tables whose policies show staff only. A function granted later
 * fails the catalog check below until it is reviewed and listed here.
 */
const signedInFunctions: Record<string, { query: string; nonStaff: unknown; staff: unknown }> = {
  "is_staff()": { query: "select public.is_staff() as value", nonStaff: false, staff: true },
  "sync_health_colour(timestamp with time zone,text,interval,interval,timestamp with time zone)": {
    query: "select public.sync_health_colour(now() - interval '3 hours', 'completed', " +
      "null, null) as value",
    nonStaff: "yellow",
    staff: "yellow",
  },
  "sync_entity_health(boolean,boolean,timestamp with time zone,text,interval,interval,timestamp with time zone)":
    {
      query: "select status as value from public.sync_entity_health(true, false, now(), " +
        "'completed', null, null)",
      nonStaff: "off",
      staff: "off",
    },
  // Security invoker: it counts an entity's table with the caller's rights, so a user who is
  // not staff sees no registered entity (null); staff get the table's live rows.
  "sync_entity_records(text)": {
    query: "select public.sync_entity_records('outlets') = (select count(*) from " +
      "public.lightspeed_outlets where deleted_at is null) as value",
    nonStaff: null,
    staff: true,
  },
  "sync_scheduler_health(timestamp with time zone)": {
    query: "select count(*)::int as value from public.sync_scheduler_health()",
    nonStaff: 0,
    staff: 1,
  },
};

export const accessScenario: Deno.TestDefinition = {
  name:
    "chaos 5: anon and non-staff see nothing, callers without credentials are refused, no secret leaks",
  async fn() {
    const sql = await connectChaosDatabase();
    const simulator = await startSim({ seed: 95, scale: "demo" });
    let api: LocalApi | null = null;
    const suffix = crypto.randomUUID().slice(0, 8);
    const staffLogin = { email: `chaos-staff-${suffix}@example.com`, password: newSecret("pw") };
    const userLogin = { email: `chaos-user-${suffix}@example.com`, password: newSecret("pw") };
    const lines: string[] = [];
    try {
      await resetSyncData(sql);
      // In process, so the auth and Data API stand-ins use the suite's database too (the
      // functions process serves them from the shared 54322).
      api = startLocalApi({
        port: 0,
        databaseUrl: chaosDatabaseUrl,
        functionsEnv: functionsEnv(simulator, chaosDatabaseUrl, 1, {
          LIGHTSPEED_REGISTER_COUNT: "9",
        }),
      });
      const url = api.url;
      // Data in every kind of table: synced rows, a reject, a failed run with an error text.
      await simulator.control("/faults", {
        faults: [{ type: "malformed", entity: "customers", count: 3 }],
      });
      for (const entity of ["outlets", "customers", "sales"]) {
        const reply = await call(url, "sync-entity", { entity });
        assert.equal(reply.status, 200, reply.text);
      }
      const wrongToken = await startFunctions(functionsEnv(simulator, chaosDatabaseUrl, 1, {
        LIGHTSPEED_TOKEN: newSecret("chaos-revoked-token"),
        LIGHTSPEED_REGISTER_COUNT: "9",
      }));
      assert.equal(
        (await call(wrongToken.url, "sync-entity", { entity: "registers" })).status,
        200,
      );
      await wrongToken.stop();
      const [failed] = await sql<{ last_error: string | null }[]>`
      select last_error from public.sync_state where entity = 'registers'`;
      assert.ok(failed.last_error, "a failed run left an error text to hide");
      await simulator.control("/faults", undefined, "DELETE");

      const staff = await createLocalUser(sql, staffLogin.email, staffLogin.password, {
        staff: true,
        note: "chaos suite",
      });
      const user = await createLocalUser(sql, userLogin.email, userLogin.password, {
        staff: false,
      });
      const signIn = async (login: { email: string; password: string }) => {
        const reply = await fetch(`${url}/auth/v1/token?grant_type=password`, {
          method: "POST",
          headers: { apikey: localAnonKey, "content-type": "application/json" },
          body: JSON.stringify(login),
        });
        const body = await reply.json();
        assert.equal(reply.status, 200, JSON.stringify(body));
        return body.access_token as string;
      };
      const staffJwt = await signIn(staffLogin);
      const userJwt = await signIn(userLogin);
      const expiredStaffJwt = await signJwt({
        sub: staff.id,
        role: "authenticated",
        aud: "authenticated",
        email: staffLogin.email,
        exp: Math.floor(Date.now() / 1000) - 60,
      }, localJwtSecret);

      // The Data API, table by table and view by view: exact statuses per role.
      const relations = await publicRelations(sql);
      const rest = async (path: string, token: string | null, init: RequestInit = {}) => {
        const reply = await fetch(`${url}/rest/v1/${path}`, {
          ...init,
          headers: {
            apikey: localAnonKey,
            "content-type": "application/json",
            prefer: "return=representation",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
        const text = await reply.text();
        captured.replies.push(text);
        return { status: reply.status, text };
      };
      const leaks = await dataApiAccessMismatches(relations, {
        restUrl: `${url}/rest/v1`,
        apiKey: localAnonKey,
        nonStaffJwt: userJwt,
        staffJwt,
      }, (text) => captured.replies.push(text));
      const staffView = await rest("sync_status?select=*", staffJwt);
      assert.equal(staffView.status, 200, "staff read sync_status (the check can see data)");
      assert.ok(JSON.parse(staffView.text).length > 0, "sync_status has rows for staff");
      const expired = await rest("sync_status?select=*", expiredStaffJwt);
      assert.equal(expired.status, 401, `an expired staff JWT: ${expired.text}`);
      const [{ enabled: wasEnabled }] = await sql`select enabled from public.sync_schedule`;
      // Exact statuses: anon 401; non-staff 200 with no row changed where the column is
      // granted (row-level security hides every row), 403 where it is not; staff 403 on the
      // operator-only retention and timeout columns.
      for (
        const [who, token, path, body, expected] of [
          ["anon", null, "sync_schedule?id=eq.true", { enabled: !wasEnabled }, 401],
          ["anon", null, "sync_settings?entity=eq.sales", { enabled: false }, 401],
          ["anon", null, "staff_members?user_id=not.is.null", { note: "taken over" }, 401],
          ["non-staff", userJwt, "sync_schedule?id=eq.true", { enabled: !wasEnabled }, 200],
          ["non-staff", userJwt, "sync_settings?entity=eq.sales", { enabled: false }, 200],
          ["non-staff", userJwt, "staff_members?user_id=not.is.null", { note: "x" }, 403],
          ["staff", staffJwt, "sync_schedule?id=eq.true", { call_timeout_ms: 150000 }, 403],
          ["staff", staffJwt, "sync_settings?entity=eq.sales", { overlap_window: "1h" }, 403],
          ["non-staff", userJwt, "alert_rules?rule=eq.entity_red", { enabled: false }, 200],
          ["staff", staffJwt, "alert_settings?id=eq.true", { max_messages_per_hour: 600 }, 403],
        ] as const
      ) {
        const reply = await rest(path, token, { method: "PATCH", body: JSON.stringify(body) });
        if (reply.status !== expected || (expected === 200 && reply.text.trim() !== "[]")) {
          leaks.push(`${who} PATCH ${path}: ${reply.status} ${reply.text.slice(0, 120)}`);
        }
      }
      const [after] = await sql`
      select (select enabled from public.sync_schedule) as schedule,
        (select enabled from public.sync_settings where entity = 'sales') as sales,
        (select count(*)::int from public.staff_members where note = 'taken over') as taken`;
      assert.deepEqual({ ...after }, { schedule: wasEnabled, sales: true, taken: 0 });
      assert.deepEqual(leaks, [], "the Data API answers a role otherwise than expected");
      lines.push(
        `Data API: ${relations.length} tables and views: anon 401, non-staff 200 with no ` +
          `rows, staff 200; no change by anon or non-staff, none to operator-only settings`,
      );

      // SQL functions: PostgREST serves /rest/v1/rpc/<name> for every function of an exposed
      // schema the caller's role may execute. The local stand-in has no rpc route, so the
      // catalog says which ones a role could reach, and each is called as PostgREST would call
      // it: in a transaction as the role, with the JWT's claims set.
      const functions = await sql<
        { signature: string; definer: boolean; anon: boolean; authenticated: boolean }[]
      >`
      select p.oid::regprocedure::text as signature, p.prosecdef as definer,
        has_function_privilege('anon', p.oid, 'execute') as anon,
        has_function_privilege('authenticated', p.oid, 'execute') as authenticated
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${exposedSchemas}) order by 1`;
      assert.ok(functions.length >= 2, "the catalog lists the public functions");
      assert.deepEqual(functions.filter((f) => f.anon).map((f) => f.signature), [], "anon rpc");
      const reachable = functions.filter((f) => f.authenticated);
      assert.deepEqual(
        reachable.map((f) => f.signature),
        Object.keys(signedInFunctions).sort(),
        "signed-in users may execute exactly the functions granted on purpose",
      );
      assert.deepEqual(reachable.filter((f) => f.definer).map((f) => f.signature), []);
      const [privateSchema] = await sql<{ anon: boolean; authenticated: boolean }[]>`
      select has_schema_privilege('anon', 'sync_private', 'usage') as anon,
        has_schema_privilege('authenticated', 'sync_private', 'usage') as authenticated`;
      assert.deepEqual({ ...privateSchema }, { anon: false, authenticated: false });
      const asRole = async (role: "anon" | "authenticated", sub: string | null, query: string) => {
        try {
          return await sql.begin(async (tx) => {
            await tx.unsafe(`set local role ${role}`);
            await tx`select set_config('request.jwt.claims', ${
              JSON.stringify(sub ? { sub, role, aud: "authenticated" } : { role })
            }, true)`;
            const [row] = await tx.unsafe<{ value: unknown }[]>(query);
            return { value: row.value };
          });
        } catch (error) {
          return { error: (error as { code?: string }).code ?? String(error) };
        }
      };
      for (
        const [signature, { query, nonStaff, staff: asStaff }] of Object.entries(signedInFunctions)
      ) {
        assert.deepEqual(await asRole("anon", null, query), { error: "42501" }, `anon: ${query}`);
        assert.deepEqual(
          await asRole("authenticated", user.id, query),
          { value: nonStaff },
          signature,
        );
        assert.deepEqual(
          await asRole("authenticated", staff.id, query),
          { value: asStaff },
          signature,
        );
      }
      const names = reachable.map((f) => f.signature.split("(")[0]).join(", ");
      lines.push(
        `SQL functions: ${functions.length} in public; anon may execute none, signed-in users ` +
          `${names}, which give a non-staff user nothing but their own staff flag (false) and ` +
          `colours computed from the arguments`,
      );

      // The functions: only the secret or a staff JWT starts a sync.
      const refusedCallers: [string, Record<string, string>][] = [
        ["no credentials", {}],
        ["a wrong secret", { "x-sync-secret": newSecret("chaos-wrong-secret") }],
        ["the secret minus a character", { "x-sync-secret": syncSecret.slice(0, -1) }],
        ["the secret in another header", { authorization: `Bearer ${syncSecret}` }],
        ["the anon key", { authorization: `Bearer ${localAnonKey}`, apikey: localAnonKey }],
        ["the service-role key", { authorization: `Bearer ${localServiceRoleKey}` }],
        ["a non-staff user's JWT", { authorization: `Bearer ${userJwt}` }],
        ["an expired staff JWT", { authorization: `Bearer ${expiredStaffJwt}` }],
      ];
      for (const [who, headers] of refusedCallers) {
        for (const name of ["sync-entity", "import-history", "repair"]) {
          const reply = await call(url, name, { entity: "outlets" }, headers);
          assert.equal(reply.status, 401, `${name} with ${who}: ${reply.text}`);
          assert.deepEqual(
            Object.keys(reply.body),
            ["error"],
            `${name} with ${who}: ${reply.text}`,
          );
        }
      }
      const [{ n: importsStarted }] = await sql`
      select count(*)::int as n from public.sync_state where import_status is not null`;
      assert.equal(importsStarted, 0, "a refused caller started no import");
      const asStaff = await call(url, "sync-entity", { entity: "outlets" }, {
        authorization: `Bearer ${staffJwt}`,
      });
      assert.equal(asStaff.status, 200, `a staff JWT is accepted: ${asStaff.text}`);
      const staffRepair = await call(url, "repair", { action: "rejects", entity: "outlets" }, {
        authorization: `Bearer ${staffJwt}`,
      });
      assert.equal(staffRepair.status, 403, `repair needs the operator role: ${staffRepair.text}`);
      lines.push(
        `functions: ${refusedCallers.length} kinds of caller refused (401), staff accepted, ` +
          "repair refused to staff without the operator role (403)",
      );

      // Health: colours for anyone, error texts only for operators and staff.
      for (
        const [who, headers] of [
          ["anon", {}],
          ["non-staff", { authorization: `Bearer ${userJwt}` }],
        ] as const
      ) {
        const reply = await call(url, "health", undefined, headers);
        assert.deepEqual(
          Object.keys(reply.body).sort(),
          ["checked_at", "entities", "lightspeed_auth", "reason", "scheduler", "status"],
          `${who}: ${reply.text}`,
        );
        // A personal token here: the mode and its state, nothing else (no problem text).
        assert.deepEqual(reply.body.lightspeed_auth, { mode: "personal", status: "personal" }, who);
        // The scheduler's colour and when it last dispatched: no error text, nothing else.
        assert.deepEqual(Object.keys(reply.body.scheduler).sort(), publicSchedulerKeys, who);
        for (const entity of reply.body.entities as Json[]) {
          assert.deepEqual(Object.keys(entity).sort(), publicHealthKeys, `${who}: ${reply.text}`);
          assert.deepEqual(
            Object.keys(entity.near_real_time as Json).sort(),
            publicNearRealTimeKeys,
            who,
          );
        }
        assert.ok(!reply.text.includes(failed.last_error!), `${who} sees an error text`);
      }
      const operator = await call(url, "health");
      assert.ok(operator.text.includes("last_error"), "operators do get the error texts");
      lines.push("health: anon and non-staff get colours only");

      // No secret value anywhere: every process log and reply of the suite, and the database.
      await api.stop();
      api = null;
      const found = [
        ...secretsInCaptured(secrets),
        ...await secretsInDatabase(sql, secrets),
      ];
      assert.deepEqual(found, [], "secret values leaked");
      lines.push(
        `secrets: ${secrets.size} values searched in ${captured.logs.length} log chunks, ` +
          `${captured.replies.length} replies and every table of public, sync_private, cron, net ` +
          "(as the owner, anon and authenticated; pg_net's tables refused to both API roles)",
      );
      console.log(`chaos 5 (access):\n  ${lines.join("\n  ")}`);
      tally.scenarios.push(
        `access (${relations.length} relations, ${functions.length} SQL functions, ` +
          `${refusedCallers.length} callers)`,
      );
    } finally {
      if (api) await api.stop();
      await deleteLocalUser(sql, staffLogin.email).catch(() => {});
      await deleteLocalUser(sql, userLogin.email).catch(() => {});
      await simulator.stop();
      await resetSyncData(sql).catch(() => {});
      await sql.end({ timeout: 5 });
    }
  },
};
