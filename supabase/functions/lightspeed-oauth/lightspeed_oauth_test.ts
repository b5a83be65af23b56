// The connect flow end to end over real HTTP: the functions (OAuth mode) hand an operator the
// authorize URL, the simulator approves and redirects to the callback, which spends the state,
// exchanges the code and stores the tokens in Vault; a sync then runs on the OAuth token. A
// replayed or expired state is refused, and health turns red with "reconnect needed". No token
// value appears in a reply, a table readable by anyone but Vault's owner, or sync_log.
import assert from "node:assert/strict";
import { forgetOAuthConnection, testOAuthApp } from "../../../dev/testing/oauth_connection.ts";
import { secretsFoundByAnyRole, textsHolding } from "../../../dev/testing/secret_search.ts";
import { signInStaff } from "../../../dev/testing/staff_session.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";

async function withOAuthStack(test: (stack: SyncStack, replies: string[]) => Promise<void>) {
  // With an OAuth app in the simulator, the stack's functions run in oauth mode.
  const stack = await startSyncStack({
    simulator: { seed: 5, scale: "small", oauth: testOAuthApp },
  });
  const replies: string[] = [];
  try {
    await forgetOAuthConnection(stack.sql);
    await test(stack, replies);
  } finally {
    await forgetOAuthConnection(stack.sql).catch(() => {});
    await stack.stop();
  }
}

/** Starts a connect as an operator; returns the authorize URL. */
async function startConnect(stack: SyncStack, replies: string[]): Promise<string> {
  const started = await stack.invoke("lightspeed-oauth", { action: "start" });
  replies.push(JSON.stringify(started.body));
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return started.body.authorize_url;
}

/** Follows the authorize page to the callback URL Lightspeed would send the browser to. */
async function approve(authorizeUrl: string): Promise<string> {
  const redirect = await fetch(authorizeUrl, { redirect: "manual" });
  assert.equal(redirect.status, 302);
  return redirect.headers.get("location")!;
}

async function openPage(url: string, replies: string[]) {
  const reply = await fetch(url);
  const text = await reply.text();
  replies.push(text);
  return { status: reply.status, text, type: reply.headers.get("content-type") };
}

Deno.test("connect: authorize, callback, tokens in Vault, a sync on the OAuth token", async () => {
  await withOAuthStack(async (stack, replies) => {
    const anonymous = await fetch(`${stack.api.url}/functions/v1/lightspeed-oauth`, {
      method: "POST",
      body: JSON.stringify({ action: "start" }),
    });
    assert.equal(anonymous.status, 401, "only operators and staff start a connect");
    await anonymous.body?.cancel();

    const authorizeUrl = new URL(await startConnect(stack, replies));
    assert.equal(authorizeUrl.searchParams.get("client_id"), testOAuthApp.clientId);
    assert.equal(
      authorizeUrl.searchParams.get("redirect_uri"),
      `${stack.api.url}/functions/v1/lightspeed-oauth`,
    );
    assert.ok(authorizeUrl.searchParams.get("state")!.length >= 32, "a long random state");
    const callbackUrl = await approve(authorizeUrl.href);
    const page = await openPage(callbackUrl, replies);
    assert.equal(page.status, 200, page.text);
    assert.match(page.type ?? "", /^text\/plain/);
    assert.match(page.text, /Connected: the sync now reads store "simulated"/);

    const [row] = await stack.sql`select domain_prefix, scopes, status, generation
      from sync_private.lightspeed_oauth`;
    assert.deepEqual({ ...row, generation: Number(row.generation) }, {
      domain_prefix: "simulated",
      scopes: stack.simulator.oauth!.options.scopes,
      status: "connected",
      generation: 1,
    });

    const replayed = await openPage(callbackUrl, replies);
    assert.equal(replayed.status, 400, "a state works once");
    assert.match(replayed.text, /unknown or was already used/);

    const run = await stack.invoke("sync-entity", { entity: "outlets" });
    replies.push(JSON.stringify(run.body));
    assert.equal(run.body.status, "completed", JSON.stringify(run.body));
    const health = await stack.invoke("health");
    replies.push(JSON.stringify(health.body));
    assert.equal(health.body.lightspeed_auth.status, "connected");

    const tokens = stack.simulator.oauth!.issuedTokens();
    assert.equal(tokens.length, 2);
    assert.deepEqual(textsHolding(replies, tokens), []);
    assert.deepEqual(await secretsFoundByAnyRole(stack.sql, tokens), []);
  });
});

Deno.test("connect: an expired state is refused; 'reconnect needed' turns health red", async () => {
  await withOAuthStack(async (stack, replies) => {
    const callbackUrl = await approve(await startConnect(stack, replies));
    await stack.sql`update sync_private.oauth_states set expires_at = now() - interval '1 second'`;
    const expired = await openPage(callbackUrl, replies);
    assert.equal(expired.status, 400);
    assert.match(expired.text, /has expired/);
    assert.equal((await stack.sql`select 1 from sync_private.lightspeed_oauth`).length, 0);

    const notConnected = await stack.invoke("health");
    assert.equal(notConnected.status, 503);
    assert.equal(notConnected.body.lightspeed_auth.status, "not_connected");

    const connected = await openPage(await approve(await startConnect(stack, replies)), replies);
    assert.equal(connected.status, 200, connected.text);
    await stack.sql`update sync_private.lightspeed_oauth set status = 'reconnect_needed',
      problem = 'Lightspeed refused the refresh token (400): revoked or expired'`;
    const red = await stack.invoke("health");
    assert.equal(red.status, 503);
    assert.equal(red.body.status, "red");
    assert.match(red.body.reason, /needs reconnecting/);
    assert.match(red.body.lightspeed_auth.problem, /refused the refresh token/);
    const run = await stack.invoke("sync-entity", { entity: "outlets" });
    assert.equal(run.body.status, "failed");
    assert.match(run.body.error, /needs reconnecting/);
    const anonymous = await fetch(`${stack.api.url}/functions/v1/health`).then((r) => r.json());
    assert.equal(anonymous.lightspeed_auth.problem, undefined, "no problem text for anyone");
  });
});

Deno.test("connect: staff start one only with the operator role, plain staff get 403", async () => {
  await withOAuthStack(async (stack) => {
    const staff = await signInStaff(stack, "connect-staff");
    try {
      const plain = await stack.invoke("lightspeed-oauth", { action: "start" }, staff.headers);
      assert.equal(plain.status, 403, JSON.stringify(plain.body));
      assert.match(plain.body.error, /needs the operator role/);
      const [{ states }] = await stack.sql`
        select count(*)::int as states from sync_private.oauth_states`;
      assert.equal(states, 0, "a refused start leaves no state behind");
      await stack.sql`update public.staff_members set operator = true
        where user_id = (select id from auth.users where email like 'connect-staff-%')`;
      const operator = await stack.invoke("lightspeed-oauth", { action: "start" }, staff.headers);
      assert.equal(operator.status, 200, JSON.stringify(operator.body));
      assert.match(operator.body.authorize_url, /state=/);
    } finally {
      await staff.remove();
    }
  });
});
