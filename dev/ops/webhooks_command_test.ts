// deno task webhooks against the simulator's /api/webhooks, over real HTTP.
import assert from "node:assert/strict";
import { startSimulator } from "../../simulator/mod.ts";
import { registeredTypes, runWebhooks } from "./webhooks_command.ts";

const webhookToken = "webhook-token-for-tests-0123456789abcdef";

async function run(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWebhooks(args, {
    env,
    envFile: {},
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out, err };
}

Deno.test("register is idempotent, list shows ours without the token, remove takes only ours", async () => {
  const sim = await startSimulator({ port: 0 });
  try {
    const env = {
      LIGHTSPEED_API_BASE_URL: sim.apiBaseUrl,
      LIGHTSPEED_TOKEN: sim.token,
      LIGHTSPEED_WEBHOOK_TOKEN: webhookToken,
      SUPABASE_URL: "https://project-ref.supabase.co",
    };
    // Someone else's webhook stays untouched.
    sim.state.webhooks.add({
      url: "https://elsewhere.test/hook",
      type: "sale.update",
      active: true,
    });
    const first = await run(["register"], env);
    assert.equal(first.code, 0, first.err.join("\n"));
    assert.equal(
      first.out.filter((line) => line.includes(": created")).length,
      registeredTypes.length,
    );
    const second = await run(["register"], env);
    assert.equal(
      second.out.filter((line) => line.includes(": exists")).length,
      registeredTypes.length,
    );
    const hooks = sim.state.webhooks.list();
    assert.equal(hooks.length, registeredTypes.length + 1);
    const sale = hooks.find((h) => h.type === "sale.update" && h.url.includes("project-ref"))!;
    assert.equal(
      sale.url,
      `https://project-ref.supabase.co/functions/v1/lightspeed-webhook?token=${webhookToken}&type=sale.update`,
    );
    const listed = await run(["list"], env);
    assert.equal(listed.out.length, registeredTypes.length);
    const printed = [...first.out, ...second.out, ...listed.out].join("\n");
    assert.ok(!printed.includes(webhookToken), "the token is never printed");
    assert.ok(printed.includes("token=***"));
    const removed = await run(["remove"], env);
    assert.equal(removed.code, 0);
    assert.deepEqual(sim.state.webhooks.list().map((h) => h.url), ["https://elsewhere.test/hook"]);
  } finally {
    await sim.stop();
  }
});

Deno.test("missing settings and a bad command are one clear line each", async () => {
  const missing = await run(["register"], {});
  assert.equal(missing.code, 1);
  assert.match(missing.err[0], /LIGHTSPEED_TOKEN, LIGHTSPEED_WEBHOOK_TOKEN/);
  const usage = await run(["add"], {});
  assert.deepEqual([usage.code, usage.err], [1, [
    "Usage: deno task webhooks register|list|remove",
  ]]);
});
