import assert from "node:assert/strict";
import { connectTestDatabase, resetSyncData } from "../../../../dev/testing/database.ts";
import { inProcessSync } from "../../../../dev/testing/in_process_sync.ts";
import { startSimulator } from "../../../../simulator/mod.ts";

Deno.test("a run whose pages keep failing PostgreSQL's check validates the rest itself, landing every record", async () => {
  const store = await startSimulator({ seed: 12, scale: { sales: 2_600 }, timeScale: 1000 });
  const sql = await connectTestDatabase({ max: 2 });
  const warnings: string[] = [];
  const warn = console.warn;
  try {
    await resetSyncData(sql);
    // Every sale's version as a string: the validator takes it, the check leaves it to the
    // validator, so every page would be parsed twice.
    const versionsAsText: typeof fetch = async (input, init) => {
      const reply = await fetch(input, init);
      const text = await reply.text();
      return new Response(text.replace(/"version":(\d+)/g, '"version":"$1"'), reply);
    };
    const sync = inProcessSync(sql, store, { timeScale: 1000, fetch: versionsAsText });
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    const run = await sync("sales");
    console.warn = warn;
    assert.equal(run.status, "completed", JSON.stringify(run));
    assert.equal(run.records, 2_600);
    assert.ok(run.pages >= 6, `${run.pages} pages`);
    assert.deepEqual(warnings, [
      "Pages of sales keep needing the validator (a record needs the validator): this run " +
      "validates the rest of its pages in the function",
    ]);
    const [{ sales, rejects }] = await sql`
      select (select count(*)::int from public.lightspeed_sales) as sales,
        (select count(*)::int from public.sync_rejects) as rejects`;
    assert.deepEqual({ sales, rejects }, { sales: 2_600, rejects: 0 });
  } finally {
    console.warn = warn;
    await sql.end({ timeout: 5 });
    await store.stop();
  }
});
