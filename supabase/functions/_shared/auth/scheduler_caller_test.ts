// Against the real database: the dispatcher's SQL signs exactly as the function verifies, a call
// id is accepted once, an id the dispatcher never made is refused, and each refusal is logged
// with its reason.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { identifyCaller } from "./caller.ts";
import { schedulerCaller } from "./scheduler_caller.ts";
import { callIdHeader, schedulerSignature, signatureHeader } from "./scheduler_signature.ts";

const secret = "caller-test-sync-secret-0123456789";
const entity = "test_signed_caller";

type Sql = Awaited<ReturnType<typeof connectTestDatabase>>;

async function newCall(sql: Sql): Promise<{ id: string; body: string }> {
  const [row] = await sql<{ id: string; body: string }[]>`
    insert into sync_private.scheduled_calls (
      entity, function_name, reason, body, requested_at, timeout_ms
    )
    values (${entity}, 'sync-entity', 'incremental',
      jsonb_build_object('entity', ${entity}::text, 'trigger', 'schedule'), now(), 5000)
    returning id::text, body::text`;
  return row;
}

/** A request signed over `body`, sending `sentBody` (the same unless a test tampers with it). */
async function signedRequest(
  callId: string,
  body: string,
  options: { headers?: HeadersInit; sentBody?: string } = {},
) {
  const t = Math.floor(Date.now() / 1000);
  return new Request("http://127.0.0.1/functions/v1/sync-entity", {
    method: "POST",
    headers: {
      [callIdHeader]: callId,
      [signatureHeader]: await schedulerSignature(secret, t, callId, body),
      ...options.headers,
    },
    body: options.sentBody ?? body,
  });
}

async function withWarnings<T>(work: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  try {
    return { result: await work(), warnings };
  } finally {
    console.warn = original;
  }
}

Deno.test("signed scheduler calls: SQL and TypeScript agree, each call id is accepted once", async () => {
  const sql = await connectTestDatabase();
  try {
    const call = await newCall(sql);
    const t = 1765447200;
    const [{ signature }] = await sql<{ signature: string }[]>`
      select sync_private.scheduler_signature(${secret}, id, body, to_timestamp(${t})) as signature
      from sync_private.scheduled_calls where id = ${call.id}::bigint`;
    assert.equal(signature, await schedulerSignature(secret, t, call.id, call.body));

    const check = { sql, syncSecret: secret, functionName: "sync-entity" };
    const first = await schedulerCaller(await signedRequest(call.id, call.body), check);
    assert.deepEqual(first, { kind: "scheduler", callId: call.id });
    const [{ received }] = await sql`
      select received_at is not null as received
      from sync_private.scheduled_calls where id = ${call.id}::bigint`;
    assert.equal(received, true, "the call is marked as received");

    const replay = await withWarnings(async () =>
      await schedulerCaller(await signedRequest(call.id, call.body), check)
    );
    const replayReason =
      `Scheduler signature refused: call id ${call.id} was already received (a replayed request)`;
    assert.deepEqual(replay.result, { kind: "anonymous", refused: replayReason });
    assert.deepEqual(replay.warnings, [replayReason], "the refusal is logged with its reason");

    const unknownId = String(BigInt(call.id) + 1_000_000n);
    const unknown = await withWarnings(async () =>
      await schedulerCaller(await signedRequest(unknownId, call.body), check)
    );
    assert.deepEqual(unknown.result, {
      kind: "anonymous",
      refused: `Scheduler signature refused: call id ${unknownId} is not a call the scheduler made`,
    });
  } finally {
    await sql`delete from sync_private.scheduled_calls where entity = ${entity}`;
    await sql.end();
  }
});

Deno.test("identifyCaller: a signed call is the scheduler's, the operator secret still wins", async () => {
  const sql = await connectTestDatabase();
  try {
    const check = { sql, syncSecret: secret, functionName: "sync-entity" };
    const call = await newCall(sql);
    assert.deepEqual(await identifyCaller(await signedRequest(call.id, call.body), check), {
      kind: "scheduler",
      callId: call.id,
    });
    const other = await newCall(sql);
    const both = await signedRequest(other.id, other.body, {
      headers: { "x-sync-secret": secret },
    });
    assert.deepEqual(await identifyCaller(both, check), { kind: "operator" });
    const { result } = await withWarnings(async () =>
      await identifyCaller(await signedRequest(other.id, other.body, { sentBody: "{}" }), check)
    );
    assert.ok(result.kind === "anonymous");
    assert.match(result.refused ?? "", /does not match the call id and body/);
  } finally {
    await sql`delete from sync_private.scheduled_calls where entity = ${entity}`;
    await sql.end();
  }
});

Deno.test("a signed call is accepted only by the function it was made for", async () => {
  const sql = await connectTestDatabase();
  try {
    const call = await newCall(sql);
    const request = () => signedRequest(call.id, call.body);
    const elsewhere = await withWarnings(async () =>
      await schedulerCaller(await request(), {
        sql,
        syncSecret: secret,
        functionName: "import-history",
      })
    );
    const reason =
      `Scheduler signature refused: call id ${call.id} was made for sync-entity, not import-history`;
    assert.deepEqual(elsewhere.result, { kind: "anonymous", refused: reason });
    assert.deepEqual(elsewhere.warnings, [reason]);
    // The copy sent elsewhere did not use up the call: the real one is still accepted.
    assert.deepEqual(
      await schedulerCaller(await request(), {
        sql,
        syncSecret: secret,
        functionName: "sync-entity",
      }),
      { kind: "scheduler", callId: call.id },
    );
    // A function that takes no scheduled calls (health) refuses every signed request.
    const { result } = await withWarnings(async () =>
      await schedulerCaller(await request(), { sql, syncSecret: secret })
    );
    assert.deepEqual(result, {
      kind: "anonymous",
      refused: "Scheduler signature refused: this function takes no scheduled calls",
    });
  } finally {
    await sql`delete from sync_private.scheduled_calls where entity = ${entity}`;
    await sql.end();
  }
});
