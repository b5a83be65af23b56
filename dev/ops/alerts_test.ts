// Alerts (README § Alerts) against the shared PostgreSQL, the local pg_net worker and a real
// HTTP receiver: one message per incident and one when it recovers, in Slack's and the generic
// format; a refusing or unreachable destination retried and finally given up, without holding
// anything back; the hourly limit; and the dashboard's test button through the Data API.
import assert from "node:assert/strict";
import { createLocalUser, deleteLocalUser } from "../api/auth/users.ts";
import { localAnonKey } from "../api/local_keys.ts";
import { startLocalApi } from "../api/server.ts";
import { startNetWorker } from "../net_worker.ts";
import { closedPort, connect, type Sql, testDatabaseUrl } from "../net_worker_test_support.ts";
import { type AlertReceiver, startAlertReceiver } from "../testing/alert_receiver.ts";
import { alertRows, deliveriesAnswered, evaluateAlerts, recordRun } from "../testing/alert_runs.ts";
import { withAlertSetup } from "../testing/alert_setup.ts";

/**
 * A test with the database, a receiver and local pg_net workers sending what is addressed to
 * the receiver or to `alsoSendTo` (pg_net's stand-in takes nothing else from the shared queue).
 */
function withReceiver(
  work: (sql: Sql, receiver: AlertReceiver) => Promise<void>,
  alsoSendTo: string[] = [],
): () => Promise<void> {
  return async () => {
    const sql = await connect();
    const receiver = startAlertReceiver();
    const workers = [receiver.url, ...alsoSendTo].map((urlPrefix) =>
      startNetWorker({ databaseUrl: testDatabaseUrl, urlPrefix, log: () => {} })
    );
    try {
      await Promise.all(workers.map((worker) => worker.ready));
      await work(sql, receiver);
    } finally {
      for (const worker of workers) await worker.stop();
      await receiver.stop();
      await sql.end({ timeout: 5 });
    }
  };
}

Deno.test(
  "an entity turning red sends one failing and one recovered message to both formats",
  withReceiver(async (sql, receiver) => {
    await withAlertSetup(sql, {
      slackUrl: receiver.slackUrl,
      webhookUrl: receiver.webhookUrl,
      rules: { entity_red: null },
      entities: ["outlets"],
      settings: { dashboard_url: "https://dashboard.example.com/" },
    }, async () => {
      await recordRun(sql, "outlets", "completed");
      assert.deepEqual(await evaluateAlerts(sql), { opened: 0, recovered: 0, retries: 0 });

      await recordRun(sql, "outlets", "failed");
      assert.deepEqual(await evaluateAlerts(sql), { opened: 1, recovered: 0, retries: 0 });
      const [slack] = await receiver.waitForAccepted("/slack", 1);
      const [generic] = await receiver.waitForAccepted("/webhook", 1);
      assert.deepEqual(Object.keys(slack.body), ["text"]);
      assert.match(
        String(slack.body.text),
        /^\[Lightspeed sync\] Failing: outlets is red \(the latest run failed\), since \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Dashboard: https:\/\/dashboard\.example\.com\/$/,
      );
      assert.equal(slack.contentType, "application/json");
      assert.deepEqual(
        { ...generic.body, since: typeof generic.body.since, created_at: "", alert_id: 0 },
        {
          alert_id: 0,
          kind: "failing",
          rule: "entity_red",
          entity: "outlets",
          since: "string",
          created_at: "",
          message: slack.body.text,
          dashboard_url: "https://dashboard.example.com/",
        },
      );

      // Still failing, a minute and two later: the incident is open, nothing more is sent.
      await recordRun(sql, "outlets", "failed");
      await deliveriesAnswered(sql);
      assert.deepEqual(await evaluateAlerts(sql, 60_000), { opened: 0, recovered: 0, retries: 0 });
      assert.deepEqual(await evaluateAlerts(sql, 120_000), { opened: 0, recovered: 0, retries: 0 });

      await recordRun(sql, "outlets", "completed");
      assert.deepEqual(await evaluateAlerts(sql, 180_000), { opened: 0, recovered: 1, retries: 0 });
      const recovered = await receiver.waitForAccepted("/slack", 2);
      assert.match(
        String(recovered[1].body.text),
        /^\[Lightspeed sync\] Recovered: outlets is no longer red \(failing since .+ UTC, recovered .+ UTC\)\. Dashboard: /,
      );
      await receiver.waitForAccepted("/webhook", 2);
      await deliveriesAnswered(sql);
      await evaluateAlerts(sql, 240_000);
      assert.equal(receiver.received.length, 4, "two messages, each to both destinations");
      assert.deepEqual(
        (await alertRows(sql)).map((a) => [a.kind, a.rule, a.entity, a.status, a.attempts]),
        [["failing", "entity_red", "outlets", "sent", 2], [
          "recovered",
          "entity_red",
          "outlets",
          "sent",
          2,
        ]],
      );
      // The destinations are secrets: no message or alert_log row names them.
      const logged = JSON.stringify(await sql`select * from public.alert_log`);
      assert.ok(!logged.includes(receiver.url), logged);
    });
  }),
);

/** The promise's value, or a failure if it waits for longer than `ms` (it would wait forever). */
async function settledWithin<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const unreachable = `http://127.0.0.1:${closedPort()}/webhook`;

Deno.test(
  "a refusing destination is retried until it takes the message; an unreachable one is given up",
  withReceiver(async (sql, receiver) => {
    await withAlertSetup(sql, {
      slackUrl: receiver.slackUrl,
      webhookUrl: unreachable,
      rules: { entity_red: null },
      entities: ["outlets"],
      settings: { max_attempts: 3 },
    }, async () => {
      receiver.refuseNext("/slack", [503]);
      await recordRun(sql, "outlets", "failed");
      // The job only queues requests: it returns while a destination still holds its answer.
      const release = receiver.hold("/slack");
      const evaluation = await settledWithin(30_000, evaluateAlerts(sql)).finally(release);
      assert.deepEqual(evaluation, { opened: 1, recovered: 0, retries: 0 });
      await deliveriesAnswered(sql);

      // Judged at the next run, retried a minute after the failure (doubling after that).
      assert.equal((await evaluateAlerts(sql, 30_000)).retries, 0, "judged, not yet due");
      assert.equal((await evaluateAlerts(sql, 95_000)).retries, 2, "both retried when due");
      await receiver.waitForAccepted("/slack", 1);
      await deliveriesAnswered(sql);
      assert.equal((await evaluateAlerts(sql, 120_000)).retries, 0);
      assert.equal((await evaluateAlerts(sql, 240_000)).retries, 1, "the unreachable one again");
      await deliveriesAnswered(sql);
      assert.equal((await evaluateAlerts(sql, 600_000)).retries, 0, "given up after 3 attempts");

      const deliveries = await sql`select destination, status, attempts, last_error
      from sync_private.alert_deliveries order by destination`;
      assert.deepEqual(deliveries.map((d) => ({ ...d })), [
        { destination: "slack", status: "sent", attempts: 2, last_error: null },
        { destination: "webhook", status: "failed", attempts: 3, last_error: "no connection" },
      ]);
      const [alert] = await alertRows(sql);
      assert.deepEqual([alert.status, alert.attempts, alert.last_error], [
        "failed",
        5,
        "webhook: no connection",
      ]);
      assert.equal(receiver.accepted("/slack").length, 1, "the message arrived once");
    });
  }, [unreachable]),
);

Deno.test(
  "past max_messages_per_hour a message is recorded as suppressed and not sent",
  withReceiver(async (sql, receiver) => {
    await withAlertSetup(sql, {
      webhookUrl: receiver.webhookUrl,
      rules: { entity_red: null },
      entities: ["outlets", "registers"],
      settings: { max_messages_per_hour: 1 },
    }, async () => {
      await recordRun(sql, "outlets", "failed");
      await recordRun(sql, "registers", "failed");
      assert.deepEqual(await evaluateAlerts(sql), { opened: 2, recovered: 0, retries: 0 });
      await receiver.waitForAccepted("/webhook", 1);
      await deliveriesAnswered(sql);
      await evaluateAlerts(sql, 60_000);
      assert.deepEqual(
        (await alertRows(sql)).map((a) => [a.entity, a.status]),
        [["outlets", "sent"], ["registers", "suppressed"]],
      );
      assert.equal(receiver.received.length, 1);
    });
  }),
);

/** A local user signed in through the auth stand-in: the token the dashboard would hold. */
async function signIn(apiUrl: string, email: string, password: string): Promise<string> {
  const reply = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: localAnonKey, "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await reply.json();
  assert.equal(reply.status, 200, JSON.stringify(body));
  return body.access_token;
}

Deno.test(
  "the dashboard's test button sends a test alert for staff only; the sending limits stay the operator's",
  withReceiver(async (sql, receiver) => {
    const api = startLocalApi({ port: 0, databaseUrl: testDatabaseUrl, functionsEnv: {} });
    const suffix = crypto.randomUUID().slice(0, 8);
    const password = `alert-test-password-${suffix}`;
    const staffEmail = `alert-staff-${suffix}@example.com`;
    const userEmail = `alert-user-${suffix}@example.com`;
    try {
      const staff = await createLocalUser(sql, staffEmail, password, { staff: true });
      await createLocalUser(sql, userEmail, password, { staff: false });
      const patch = async (token: string, path: string, body: unknown) => {
        const reply = await fetch(`${api.url}/rest/v1/${path}`, {
          method: "PATCH",
          headers: {
            apikey: localAnonKey,
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            prefer: "return=representation",
          },
          body: JSON.stringify(body),
        });
        return { status: reply.status, text: await reply.text() };
      };
      await withAlertSetup(sql, {
        slackUrl: receiver.slackUrl,
        rules: {},
        entities: [],
      }, async () => {
        const userJwt = await signIn(api.url, userEmail, password);
        const staffJwt = await signIn(api.url, staffEmail, password);
        const now = new Date().toISOString();
        const byUser = await patch(userJwt, "alert_settings?id=eq.true", {
          test_requested_at: now,
        });
        assert.deepEqual(
          [byUser.status, byUser.text],
          [200, "[]"],
          "a non-staff user changes nothing",
        );

        const pressed = await patch(staffJwt, "alert_settings?id=eq.true", {
          test_requested_at: now,
        });
        assert.equal(pressed.status, 200, pressed.text);
        const [test] = await receiver.waitForAccepted("/slack", 1);
        assert.match(
          String(test.body.text),
          /^\[Lightspeed sync\] Test: alerts reach this destination, sent from the dashboard .+ UTC\.$/,
        );
        const [logged] = await sql`select kind, rule, requested_by from public.alert_log`;
        assert.deepEqual({ ...logged }, { kind: "test", rule: "test", requested_by: staff.id });

        // Staff switch rules and set thresholds; the sending limits are the operator's.
        const rule = await patch(staffJwt, "alert_rules?rule=eq.consecutive_failures", {
          enabled: true,
          threshold: 5,
        });
        assert.equal(rule.status, 200, rule.text);
        assert.equal(JSON.parse(rule.text)[0].threshold, 5);
        const limit = await patch(staffJwt, "alert_settings?id=eq.true", {
          max_messages_per_hour: 600,
        });
        assert.equal(limit.status, 403, limit.text);
        const outOfBounds = await patch(staffJwt, "alert_rules?rule=eq.consecutive_failures", {
          threshold: 0,
        });
        assert.equal(outOfBounds.status, 400, outOfBounds.text);
        assert.equal(receiver.received.length, 1, "one press, one message");
      });
    } finally {
      await api.stop();
      await deleteLocalUser(sql, staffEmail).catch(() => {});
      await deleteLocalUser(sql, userEmail).catch(() => {});
    }
  }),
);
