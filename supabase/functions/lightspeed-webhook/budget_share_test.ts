// Webhook-driven passes claim from the same request budget as every other run, but stop at
// LIGHTSPEED_WEBHOOK_BUDGET_SHARE of it: the rest stays for scheduled and import work. Against
// the local PostgreSQL's sync_private.request_log.
import assert from "node:assert/strict";
import { testDatabaseUrl } from "../../../dev/testing/database.ts";
import { DeadlineExceededError } from "../_shared/deadline.ts";
import { createFunctionContext } from "../_shared/function_context.ts";

Deno.test("a webhook share of 0.1 stops webhook claims at a tenth while others go on", async () => {
  // A store of its own, so no other test's claims count here.
  const store = `127.0.0.1:9/budget-share-${crypto.randomUUID()}`;
  const context = createFunctionContext({
    LIGHTSPEED_API_BASE_URL: `http://${store}`,
    LIGHTSPEED_TOKEN: "token",
    SYNC_SECRET: "sync-secret-that-is-long-enough",
    SUPABASE_DB_URL: testDatabaseUrl,
    LIGHTSPEED_REGISTER_COUNT: "1",
    LIGHTSPEED_WEBHOOK_BUDGET_SHARE: "0.1",
  });
  try {
    const shared = await context.syncEnvironment();
    const webhook = await context.syncEnvironment({
      budgetShare: context.config.webhookBudgetShare,
    });
    // 350 per window for one register, all of it for the sync by default; a tenth of that: 35.
    const soon = () => ({ deadline: Date.now() + 300 });
    for (let i = 0; i < 35; i++) await (await webhook.budget.acquire(soon()))?.release();
    await assert.rejects(() => webhook.budget.acquire(soon()), DeadlineExceededError);
    // Scheduled and import work still have the rest of the window.
    for (let i = 0; i < 100; i++) await (await shared.budget.acquire(soon()))?.release();
    await assert.rejects(() => webhook.budget.acquire(soon()), DeadlineExceededError);
  } finally {
    await context.sql`delete from sync_private.request_log where store_key = ${store}`;
    await context.sql.end({ timeout: 5 });
  }
});
