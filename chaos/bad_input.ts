// Scenario 4, bad input: malformed records (missing ids, non-UUID ids, wrong types, extra
// fields, line items without ids), hostile HTML/script text, a 1 MB string, a wrong token, a
// token without permission, wrong settings, and bad request bodies sent to the functions.
// Each gets a clear message in the right place (sync_rejects, sync_log, a reply naming the
// setting, or a 400 listing the valid entities), and data synced before is untouched (every
// table's rows hashed before and compared after). The count of bad inputs is what was sent.
import assert from "node:assert/strict";
import { resetSyncData, syncedTables } from "../dev/testing/database.ts";
import { chaosDatabaseUrl, connectChaosDatabase } from "./second_cluster.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { type EntityName, entityNames } from "../supabase/functions/_shared/entities/registry.ts";
import {
  call,
  callRaw,
  compare,
  countInjected,
  type Functions,
  functionsEnv,
  type Json,
  newSecret,
  secrets,
  secretsInDatabase,
  startFunctions,
  startSim,
  tally,
} from "./harness.ts";

/** One hash per table over every row and column, plus the cursors. */
async function snapshot(sql: Sql): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of syncedTables) {
    const [row] = await sql.unsafe<{ n: number; hash: string | null }[]>(
      // Ordered by each row's own hash, so tables keyed without an id (outlet taxes) hash too.
      `select count(*)::int as n, md5(string_agg(h, ',' order by h)) as hash
       from (select md5(row_to_json(t)::text) as h from public.${table} as t) as rows`,
    );
    result[table] = `${row.n} ${row.hash}`;
  }
  const states = await sql<{ entity: string; cursor: number }[]>`
    select entity, cursor from public.sync_state order by entity`;
  for (const s of states) result[`cursor ${s.entity}`] = String(s.cursor);
  return result;
}

/** Runs and imports recorded so far: a refused request must add neither. */
async function runLogSize(sql: Sql): Promise<{ runs: number; imports: number }> {
  const [row] = await sql<{ runs: number; imports: number }[]>`
    select (select count(*)::int from public.sync_log) as runs,
      (select count(*)::int from public.sync_state where import_status is not null) as imports`;
  return { ...row };
}

/** Per-row hashes of a table, to show which rows changed. */
async function rowHashes(sql: Sql, table: string): Promise<Map<string, string>> {
  const rows = await sql.unsafe<{ id: string; hash: string }[]>(
    `select id::text, md5(version::text || coalesce(deleted_at::text, '') || raw::text) as hash
     from public.${table}`,
  );
  return new Map(rows.map((r) => [r.id, r.hash]));
}

/**
 * A proxy in front of the simulator that rewrites chosen records in the pages it forwards
 * (the simulator has no fault for an oversized field).
 */
function startTamperProxy(target: string) {
  const rewrites = new Map<string, (record: Json) => Json>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const upstream = await fetch(
      `${target}${url.pathname.replace(/^\/api\/2\.0/, "")}` +
        url.search,
      { headers: req.headers },
    );
    const text = await upstream.text();
    let body = text;
    if (upstream.ok && rewrites.size > 0) {
      try {
        const parsed = JSON.parse(text);
        if (Array.isArray(parsed.data)) {
          parsed.data = parsed.data.map((r: Json) => rewrites.get(r?.id)?.(r) ?? r);
          body = JSON.stringify(parsed);
        }
        // audit-allow: swallowed-error a body that is not JSON (an error page) is forwarded as is
      } catch { /* nothing to rewrite */ }
    }
    const headers = new Headers(upstream.headers);
    headers.delete("content-length");
    return new Response(body, { status: upstream.status, headers });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/api/2.0`,
    rewrites,
    stop: () => server.shutdown(),
  };
}

export const badInputScenario: Deno.TestDefinition = {
  name:
    "chaos 4: bad records, bad tokens and bad settings get clear messages and leave synced data untouched",
  async fn() {
    const sql = await connectChaosDatabase();
    const forbiddenToken = newSecret("chaos-forbidden-token");
    const simulator = await startSim({ seed: 91, scale: "demo", forbiddenToken });
    const proxy = startTamperProxy(simulator.apiBaseUrl);
    const processes: Functions[] = [];
    const lines: string[] = [];
    let badInputs = 0;
    const env = functionsEnv(simulator, chaosDatabaseUrl, 1, {
      LIGHTSPEED_API_BASE_URL: proxy.baseUrl,
      LIGHTSPEED_REGISTER_COUNT: "9",
      SYNC_TIME_BUDGET_MS: "20000",
    });
    const started = async (extra: Record<string, string>) => {
      const fx = await startFunctions({ ...env, ...extra });
      processes.push(fx);
      return fx;
    };
    try {
      await resetSyncData(sql);
      const fx = await started({});
      const sync = async (entity: EntityName, base = fx.url) => {
        const reply = await call(base, "sync-entity", { entity });
        assert.equal(reply.status, 200, reply.text);
        return reply.body;
      };
      for (const entity of entityNames) assert.equal((await sync(entity)).status, "completed");
      assert.deepEqual(await compare(sql, simulator, entityNames, "bad input: first sync"), []);

      // A wrong token, a token without permission: the run fails and says why; nothing changes.
      let before = await snapshot(sql);
      const wrongToken = newSecret("chaos-wrong-token");
      for (
        const [label, token, pattern] of [
          ["wrong or expired token", wrongToken, /401|token|unauthori[sz]ed|credentials/i],
          ["token without permission", forbiddenToken, /403|forbidden|permission|scope/i],
        ] as const
      ) {
        await simulator.control("/mutate", { seed: 5, customerEdits: 5 });
        const bad = await started({ LIGHTSPEED_TOKEN: token });
        const result = await sync("customers", bad.url);
        assert.equal(result.status, "failed", `${label}: ${JSON.stringify(result)}`);
        assert.match(result.error, pattern, label);
        const [log] = await sql<{ status: string; error: string }[]>`
        select status, error from public.sync_log where id = ${result.run_id}`;
        assert.deepEqual(log, { status: "failed", error: result.error }, `${label}: sync_log`);
        const [state] = await sql<{ last_status: string; last_error: string }[]>`
        select last_status, last_error from public.sync_state where entity = 'customers'`;
        assert.equal(state.last_status, "failed");
        assert.equal(state.last_error, result.error);
        assert.deepEqual(await snapshot(sql), before, `${label}: synced data untouched`);
        await bad.stop();
        badInputs++;
        lines.push(`${label}: run failed with "${result.error.slice(0, 100)}"`);
      }
      // The right token catches up with the edits made meanwhile.
      assert.equal((await sync("customers")).status, "completed");

      // Bad request bodies: a 400 saying what was expected and listing the valid entities;
      // nothing is written (no run, no import, no row).
      before = await snapshot(sql);
      const logBefore = await runLogSize(sql);
      const hostileName = `<img src=x onerror=alert(1)>${"z".repeat(5000)}`;
      const badRequests: [string, string, string, RegExp][] = [
        ["unknown entity", "sync-entity", `{"entity":"sale"}`, /Unknown entity "sale"/],
        ["invalid JSON", "sync-entity", `{"entity": "sales"`, /Expected a JSON body/],
        ["entity as a number", "sync-entity", `{"entity": 5}`, /Expected a JSON body/],
        ["no entity", "sync-entity", `{}`, /Expected a JSON body/],
        ["an array body", "sync-entity", `["sales"]`, /Expected a JSON body/],
        ["an unknown trigger", "sync-entity", `{"entity":"sales","trigger":"x"}`, /Expected/],
        [
          "a hostile 5 kB entity name",
          "sync-entity",
          JSON.stringify({ entity: hostileName }),
          /Unknown entity/,
        ],
        [
          "entities not an array",
          "import-history",
          `{"entities": "sales"}`,
          /Expected a JSON body/,
        ],
        ["an empty entity list", "import-history", `{"entities": []}`, /Expected a JSON body/],
        [
          "an unknown entity in the list",
          "import-history",
          `{"entities": ["sales", "salez"]}`,
          /Unknown entities: "salez"/,
        ],
        ["invalid JSON", "import-history", `{"entities": [`, /Expected a JSON body/],
        ["restart not a boolean", "import-history", `{"restart": "yes"}`, /Expected a JSON body/],
      ];
      for (const [label, name, text, message] of badRequests) {
        const reply = await callRaw(fx.url, name, text);
        assert.equal(reply.status, 400, `${name} with ${label}: ${reply.text.slice(0, 300)}`);
        assert.match(reply.body.error, message, `${name} with ${label}`);
        assert.ok(reply.body.error.length <= 200, `${name} with ${label}: a short message`);
        assert.deepEqual(reply.body.valid_entities, [...entityNames], `${name} with ${label}`);
      }
      assert.deepEqual(await snapshot(sql), before, "bad request bodies touched synced data");
      assert.deepEqual(await runLogSize(sql), logBefore, "bad request bodies started a run");
      badInputs += badRequests.length;
      lines.push(
        `bad request bodies: ${badRequests.length} x 400 listing the valid entities, e.g. ` +
          `"${(await callRaw(fx.url, "sync-entity", `{"entity":"sale"}`)).body.error}"`,
      );

      // Wrong settings: a 500 that names each one and what it expects, echoing no value.
      before = await snapshot(sql);
      const shortSecret = "Tiny-Secret-9";
      for (
        const [label, extra, names] of [
          ["SYNC_SECRET too short", { SYNC_SECRET: shortSecret }, ["SYNC_SECRET"]],
          ["LIGHTSPEED_DOMAIN_PREFIX a vendhq.com URL", {
            LIGHTSPEED_API_BASE_URL: "",
            LIGHTSPEED_DOMAIN_PREFIX: "https://mystore.vendhq.com/api/2.0",
          }, ["LIGHTSPEED_DOMAIN_PREFIX"]],
          ["several at once", {
            LIGHTSPEED_API_BASE_URL: "",
            LIGHTSPEED_DOMAIN_PREFIX: "my store!",
            SYNC_TIME_BUDGET_MS: "lots",
            SUPABASE_DB_URL: "mysql://nope",
          }, ["LIGHTSPEED_DOMAIN_PREFIX", "SYNC_TIME_BUDGET_MS", "SUPABASE_DB_URL"]],
        ] as const
      ) {
        const bad = await started(extra);
        const secretHeader = {
          "x-sync-secret": "SYNC_SECRET" in extra ? shortSecret : env.SYNC_SECRET,
        };
        for (const name of ["sync-entity", "import-history"]) {
          const reply = await call(bad.url, name, { entity: "customers" }, secretHeader);
          assert.equal(reply.status, 500, `${label} ${name}: ${reply.text}`);
          const named = (reply.body.problems ?? []).map((p: { name: string }) => p.name).sort();
          assert.deepEqual(named, [...names].sort(), `${label}: ${reply.text}`);
          for (const problem of reply.body.problems) assert.ok(problem.expected.length > 10);
          for (const value of Object.values(extra)) {
            if (value.length > 0) assert.ok(!reply.text.includes(value), `${label} echoes a value`);
          }
        }
        await bad.stop();
        badInputs++;
        lines.push(`${label}: 500 naming ${names.join(", ")}`);
      }
      assert.deepEqual(await snapshot(sql), before, "wrong settings touched synced data");

      // Malformed records: each one filed in sync_rejects with a reason, the rest synced.
      const customersBefore = await rowHashes(sql, "lightspeed_customers");
      const salesBefore = await rowHashes(sql, "lightspeed_sales");
      const malformed = await simulator.control("/faults", {
        faults: [
          { type: "malformed", entity: "customers", count: 6 },
          { type: "malformed", entity: "sales", count: 6 },
          { type: "malformed", entity: "products", count: 6 },
        ],
      });
      assert.equal(malformed.injected.length, 18, "the simulator injected every malformed record");
      for (const entity of ["customers", "sales", "products"] as const) {
        const result = await sync(entity);
        assert.equal(result.status, "completed", JSON.stringify(result));
      }
      const rejects = await sql<{ entity: string; record_id: string | null; reason: string }[]>`
      select entity, record_id, reason from public.sync_rejects where resolved_at is null
      order by entity, id`;
      // Exactly the records the simulator corrupted; its extra-fields record is valid and stored.
      const corrupted =
        (malformed.injected as { entity: string; id: string | null; kind: string }[])
          .filter((r) => r.kind !== "unexpected_fields");
      assert.deepEqual(
        rejects.map((r) => `${r.entity} ${r.record_id}`).sort(),
        corrupted.map((r) => `${r.entity} ${r.id}`).sort(),
        "exactly the corrupted records are rejected",
      );
      for (const reject of rejects) {
        assert.ok(reject.reason.length >= 10, `a reason for ${reject.record_id}: ${reject.reason}`);
        assert.ok(!/\n\s+at /.test(reject.reason), "no stack trace in a reason");
      }
      assert.deepEqual(
        await compare(sql, simulator, ["customers", "sales", "products"], "malformed records"),
        [],
      );
      for (
        const [table, previous] of [
          ["lightspeed_customers", customersBefore],
          ["lightspeed_sales", salesBefore],
        ] as const
      ) {
        const now = await rowHashes(sql, table);
        for (const [id, hash] of previous) {
          assert.equal(now.get(id), hash, `${table} ${id} changed by a malformed batch`);
        }
      }
      badInputs += malformed.injected.length;
      lines.push(
        `malformed records: ${rejects.length} rejects, e.g. ${
          [...new Set(rejects.map((r) => r.reason.slice(0, 70)))].slice(0, 4).join(" | ")
        }`,
      );

      // Hostile HTML/script text is stored exactly as received (the dashboard escapes it).
      const hostileFault = await simulator.control("/faults", {
        faults: [{ type: "hostile", entity: "customers" }],
      });
      assert.ok(hostileFault.injected.length > 0, "hostile records injected");
      assert.equal((await sync("customers")).status, "completed");
      const dump: Json[] =
        (await (await fetch(`${simulator.controlUrl}/dump?entity=customers`)).json()).data;
      const hostile = dump.filter((r) => /<script|onerror=|javascript:/i.test(JSON.stringify(r)));
      assert.ok(hostile.length > 0, "hostile records in the feed");
      // Well-formed records: every one stored verbatim (raw and typed columns), none rejected.
      assert.deepEqual(await compare(sql, simulator, ["customers"], "hostile records"), []);
      for (const record of hostile) {
        const [row] = await sql<{ raw: Json }[]>`
        select raw from public.lightspeed_customers where id = ${record.id}::uuid`;
        assert.deepEqual(row?.raw, record, `hostile record ${record.id} stored verbatim`);
      }
      badInputs += hostileFault.injected.length;
      lines.push(
        `hostile text: ${hostileFault.injected.length} injected, ${hostile.length} hostile ` +
          `records in the feed stored verbatim`,
      );

      // A 1 MB string in a record: stored whole (jsonb holds it, the sync sets no size limit);
      // nothing else moves.
      const edited = await simulator.control("/mutate", { seed: 7, customerEdits: 1 });
      const bigId = edited.customerEdits[0];
      const huge = "x".repeat(1024 * 1024);
      proxy.rewrites.set(bigId, (r) => ({ ...r, note: huge }));
      const othersBefore = await rowHashes(sql, "lightspeed_customers");
      const result = await sync("customers");
      proxy.rewrites.clear();
      assert.equal(result.status, "completed", JSON.stringify(result).slice(0, 300));
      const [big] = await sql<{ n: number }[]>`
      select length(raw->>'note')::int as n from public.lightspeed_customers
      where id = ${bigId}::uuid and version = ${edited.maxVersion}`;
      const [bigReject] = await sql<{ reason: string }[]>`
      select reason from public.sync_rejects where record_id = ${bigId} and resolved_at is null`;
      assert.equal(big?.n, huge.length, "the 1 MB record is stored whole");
      assert.equal(bigReject, undefined, "the 1 MB record is not rejected");
      const othersAfter = await rowHashes(sql, "lightspeed_customers");
      for (const [id, hash] of othersBefore) {
        if (id !== bigId) assert.equal(othersAfter.get(id), hash, `customer ${id} changed`);
      }
      badInputs++;
      tally.apiFaults += await countInjected(simulator);
      lines.push("1 MB note: stored whole");

      assert.deepEqual(await secretsInDatabase(sql, secrets), []);
      console.log(`chaos 4 (bad input):\n  ${lines.join("\n  ")}`);
      tally.badInputs += badInputs;
      tally.scenarios.push(
        `bad input (${badInputs} bad records, tokens, settings and request bodies)`,
      );
    } finally {
      for (const fx of processes) await fx.stop();
      await proxy.stop();
      await simulator.stop();
      await sql.end({ timeout: 5 });
    }
  },
};
