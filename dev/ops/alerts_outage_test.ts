// Acceptance for alerts (README § Alerts): a scripted outage, the store answering 503 for 30
// minutes of simulated time, gives exactly one "failing" and one "recovered" message per
// affected entity at a local receiver, with the rules as shipped. The sync engine runs for
// real against the simulator and the shared database (its retries' waits pass at once), the
// alert job's function runs every simulated 5 minutes, and the local pg_net worker sends.
import assert from "node:assert/strict";
import { startSimulator } from "../../simulator/mod.ts";
import { startNetWorker } from "../net_worker.ts";
import { connect, testDatabaseUrl } from "../net_worker_test_support.ts";
import { startAlertReceiver } from "../testing/alert_receiver.ts";
import { deliveriesAnswered, evaluateAlerts } from "../testing/alert_runs.ts";
import { withAlertSetup } from "../testing/alert_setup.ts";
import { inProcessSync } from "../testing/in_process_sync.ts";

const timeScale = 300;
/** Real ms for simulated minutes at the time scale. */
const simulatedMinutes = (minutes: number) => minutes * 60_000 / timeScale;
const entities = ["outlets", "registers"] as const;

Deno.test("a 30-minute 503 outage sends exactly one failing and one recovered message per entity", async () => {
  const sql = await connect();
  const simulator = await startSimulator({ port: 0, seed: 61, scale: "demo", timeScale });
  const receiver = startAlertReceiver();
  const worker = startNetWorker({
    databaseUrl: testDatabaseUrl,
    urlPrefix: receiver.url,
    log: () => {},
  });
  try {
    await worker.ready;
    await withAlertSetup(sql, {
      slackUrl: receiver.slackUrl,
      webhookUrl: receiver.webhookUrl,
      // The rules on by default, with their default thresholds.
      rules: {
        entity_red: null,
        new_rejects: 1,
        scheduler_stopped: null,
        rate_budget_exhausted: 15,
      },
      entities: [...entities],
    }, async () => {
      const sync = inProcessSync(sql, simulator, { timeScale });
      // Every simulated 5 minutes: a pass per entity, the dispatcher's heartbeat (pg_cron is
      // alive; only the store is down), and the alert job.
      const tick = async () => {
        const statuses = [];
        for (const entity of entities) statuses.push((await sync(entity)).status);
        await sql`update public.sync_scheduler_heartbeat set last_dispatch_at = now()`;
        await evaluateAlerts(sql);
        return statuses;
      };
      assert.deepEqual(await tick(), ["completed", "completed"]);

      // The outage is ended by the test, not by a clock: on a slow machine a round may take
      // longer than its 5 simulated minutes, and every round must still see the store down.
      const faults = (method: string, body?: unknown) =>
        fetch(`${simulator.controlUrl}/faults`, {
          method,
          headers: { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then((reply) => reply.body?.cancel());
      await faults("POST", { faults: [{ type: "status", status: 503, forSeconds: 24 * 3600 }] });
      const outageStarts = Date.now();
      const sleepUntil = (at: number) =>
        new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      const duringOutage = [];
      // A round at minutes 0, 5, ... 25 of the outage, late rounds run at once.
      for (let minute = 0; minute < 30; minute += 5) {
        await sleepUntil(outageStarts + simulatedMinutes(minute));
        duringOutage.push(await tick());
      }
      assert.deepEqual(duringOutage, Array(6).fill(["failed", "failed"]));
      await sleepUntil(outageStarts + simulatedMinutes(30));
      await faults("DELETE");
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(await tick(), ["completed", "completed"]);
        await deliveriesAnswered(sql);
      }

      for (const path of ["/slack", "/webhook"]) {
        await receiver.waitForAccepted(path, 4);
      }
      const generic = receiver.accepted("/webhook").map((a) => `${a.body.kind} ${a.body.entity}`);
      assert.deepEqual(generic.sort(), [
        "failing outlets",
        "failing registers",
        "recovered outlets",
        "recovered registers",
      ]);
      const slack = receiver.accepted("/slack").map((a) => String(a.body.text));
      for (const entity of entities) {
        assert.equal(slack.filter((t) => t.includes(`Failing: ${entity} is red`)).length, 1);
        assert.equal(slack.filter((t) => t.includes(`Recovered: ${entity} is no`)).length, 1);
      }
      assert.equal(receiver.received.length, 8, "nothing else reached the receiver");
    });
  } finally {
    await worker.stop();
    await receiver.stop();
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
});
