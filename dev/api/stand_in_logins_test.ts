// The local API's stand-ins log in as the services' roles (authenticator, supabase_auth_admin),
// never as the superuser, and those roles can reach only what they can on Supabase.
import assert from "node:assert/strict";
import postgres from "postgres";
import { connectTestDatabase, testDatabaseUrl } from "../testing/database.ts";
import { databaseUrlAs } from "../db/local_password.ts";
import { localAnonKey } from "./local_keys.ts";
import { startLocalApi } from "./server.ts";
import { standInApplicationNames } from "./stand_in_logins.ts";

/** Who each stand-in's open connections logged in as (session user), by stand-in. */
async function loginsOfStandIns(sql: postgres.Sql): Promise<Record<string, string[]>> {
  const rows = await sql<{ application_name: string; usename: string }[]>`
    select distinct application_name, usename::text from pg_stat_activity
    where application_name in ${sql(Object.values(standInApplicationNames))}
    order by 1, 2`;
  const logins: Record<string, string[]> = {};
  for (const row of rows) (logins[row.application_name] ??= []).push(row.usename);
  return logins;
}

Deno.test("the local API's REST stand-in logs in as authenticator and its auth stand-in as supabase_auth_admin", async () => {
  const sql = await connectTestDatabase({ max: 1 });
  const api = startLocalApi({ port: 0, databaseUrl: testDatabaseUrl, functionsEnv: {} });
  try {
    const headers = { apikey: localAnonKey, "content-type": "application/json" };
    const signIn = await fetch(`${api.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email: "nobody@example.com", password: "not-a-password" }),
    });
    assert.equal(signIn.status, 400, await signIn.text());
    const read = await fetch(`${api.url}/rest/v1/sync_settings?select=entity`, { headers });
    // Refused by PostgreSQL to the anon role: the grants decided, not the stand-in.
    assert.equal(read.status, 401);
    assert.equal((await read.json()).code, "42501");
    assert.deepEqual(await loginsOfStandIns(sql), {
      [standInApplicationNames.auth]: ["supabase_auth_admin"],
      [standInApplicationNames.rest]: ["authenticator"],
    });
  } finally {
    await api.stop();
    await sql.end();
  }
});

/** A query run as `role` (logged in with its derived password): its rows or its SQLSTATE. */
async function asLogin(role: string, text: string): Promise<unknown[] | string> {
  const sql = postgres(databaseUrlAs(testDatabaseUrl, role), { max: 1, onnotice: () => {} });
  try {
    return [...await sql.unsafe(text)];
  } catch (error) {
    if (error instanceof postgres.PostgresError) return error.code;
    throw error;
  } finally {
    await sql.end();
  }
}

Deno.test("authenticator can read nothing until it switches to an API role, and only to those", async () => {
  assert.deepEqual(
    await asLogin(
      "authenticator",
      "select rolsuper, rolinherit from pg_roles where rolname = current_user",
    ),
    [{ rolsuper: false, rolinherit: false }],
  );
  assert.equal(
    await asLogin("authenticator", "select count(*) from public.sync_settings"),
    "42501",
  );
  assert.equal(await asLogin("authenticator", "select count(*) from auth.users"), "42501");
  assert.equal(await asLogin("authenticator", "set role postgres"), "42501");
  const sql = postgres(databaseUrlAs(testDatabaseUrl, "authenticator"), { max: 1 });
  try {
    const [who] = await sql.begin(async (tx) => {
      await tx`set local role anon`;
      return await tx`select current_user::text as role, session_user::text as login`;
    });
    assert.deepEqual({ ...who }, { role: "anon", login: "authenticator" });
  } finally {
    await sql.end();
  }
});

Deno.test("supabase_auth_admin reaches the auth schema and nothing in public", async () => {
  const role = "supabase_auth_admin";
  assert.deepEqual(
    await asLogin(role, "select rolsuper, rolbypassrls from pg_roles where rolname = current_user"),
    [{ rolsuper: false, rolbypassrls: false }],
  );
  const users = await asLogin(role, "select count(*)::int as n from auth.users");
  assert.ok(Array.isArray(users), `auth.users readable, got ${users}`);
  for (const table of ["staff_members", "sync_settings", "sync_log", "sync_state"]) {
    assert.equal(await asLogin(role, `select 1 from public.${table} limit 1`), "42501", table);
  }
  assert.equal(await asLogin(role, "set role service_role"), "42501");
});
