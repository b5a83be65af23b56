// `deno task repair` against a real HTTP server standing in for the repair function: the body
// each command sends, the continuation of a repair that did not fit one invocation, and one
// clear line for a refusal; the secret never appears in the output.
import assert from "node:assert/strict";
import { startStubServer } from "../net_worker_test_support.ts";
import type { InvokeIo } from "./invoke_function.ts";
import { repairBody, runRepair } from "./repair_command.ts";

const secret = "repair-test-secret-0123456789";

function capture(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: InvokeIo = {
    env: { SUPABASE_URL: url, SYNC_SECRET: secret },
    envFile: {},
    envFilePath: "supabase/functions/.env",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    timeoutMs: 2000,
  };
  return { io, out, err, all: () => [...out, ...err].join("\n") };
}

Deno.test("each repair command sends its body; a wrong one is the usage", () => {
  assert.deepEqual(repairBody(["reread", "products"]), { action: "reread", entity: "products" });
  assert.deepEqual(repairBody(["record", "sales", "abc"]), {
    action: "record",
    entity: "sales",
    id: "abc",
  });
  assert.deepEqual(
    repairBody(["sales", "2026-11-02", "2026-11-08", "--time-zone=Pacific/Auckland"]),
    {
      action: "sales_range",
      from: "2026-11-02",
      to: "2026-11-08",
      time_zone: "Pacific/Auckland",
    },
  );
  assert.deepEqual(repairBody(["rejects", "sales"]), { action: "rejects", entity: "sales" });
  assert.deepEqual(repairBody(["continue", "12"]), { continue: 12 });
  for (
    const wrong of [[], ["record", "sales"], ["continue", "x"], ["rejects", "a", "--time-zone=UTC"]]
  ) {
    assert.throws(() => repairBody(wrong), /Usage: deno task repair/);
  }
});

Deno.test("repair continues a partial repair until it completes, then exits 0", async () => {
  let calls = 0;
  const server = startStubServer(() => {
    calls++;
    return Response.json({
      repair_id: 7,
      status: calls < 3 ? "partial" : "completed",
      more: calls < 3,
    });
  });
  try {
    const run = capture(server.url);
    assert.equal(await runRepair(["sales", "2026-11-02", "2026-11-08"], run.io), 0);
    assert.deepEqual(server.received.map((r) => JSON.parse(r.body)), [
      { action: "sales_range", from: "2026-11-02", to: "2026-11-08" },
      { continue: 7 },
      { continue: 7 },
    ]);
    assert.equal(server.received[0].path, "/functions/v1/repair");
    assert.equal(server.received[2].headers.get("x-sync-secret"), secret);
    assert.equal(run.out.length, 3);
    assert.ok(!run.all().includes(secret));
  } finally {
    await server.stop();
  }
});

Deno.test("a refused or busy repair exits 1 with the function's reason and how to go on", async () => {
  const server = startStubServer(() =>
    Response.json({ error: 'A sync of "sales" is running right now', repair_id: 3, more: true }, {
      status: 409,
    })
  );
  try {
    const run = capture(server.url);
    assert.equal(await runRepair(["rejects", "sales"], run.io), 1);
    assert.deepEqual(run.err.slice(1), [
      'A sync of "sales" is running right now',
      "Go on with it later: deno task repair continue 3",
    ]);
  } finally {
    await server.stop();
  }
});
