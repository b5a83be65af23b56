// The simulator's OAuth app over real HTTP: authorize redirects with a code, the code is
// exchanged once, refresh tokens rotate (the used one is refused afterwards), access tokens
// expire, and the token endpoint's faults (5xx, slow) behave as the refresher's tests need.
import assert from "node:assert/strict";
import { startSimulator } from "./simulator.ts";

const app = { clientId: "sim-client", clientSecret: "sim-client-secret", accessTokenSeconds: 60 };

async function postToken(tokenUrl: string, form: Record<string, string>) {
  const reply = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      ...form,
    }),
  });
  return { status: reply.status, body: await reply.json() };
}

async function withOAuthSimulator(
  test: (sim: Awaited<ReturnType<typeof startSimulator>>, clock: { now: number }) => Promise<void>,
) {
  const clock = { now: Date.now() };
  const sim = await startSimulator({ token: "personal", oauth: app, now: () => clock.now });
  try {
    await test(sim, clock);
  } finally {
    await sim.stop();
  }
}

Deno.test("authorize, exchange, rotate: a used refresh token is refused", async () => {
  await withOAuthSimulator(async (sim, clock) => {
    const tokenUrl = new URL("/api/1.0/token", sim.apiBaseUrl).href;
    const authorize = new URL(sim.authorizeUrl);
    authorize.search = new URLSearchParams({
      response_type: "code",
      client_id: app.clientId,
      redirect_uri: "http://127.0.0.1:9/callback",
      state: "state-123456",
    }).toString();
    const redirect = await fetch(authorize, { redirect: "manual" });
    assert.equal(redirect.status, 302);
    const callback = new URL(redirect.headers.get("location")!);
    assert.equal(callback.searchParams.get("state"), "state-123456");
    assert.equal(callback.searchParams.get("domain_prefix"), "simulated");
    const code = callback.searchParams.get("code")!;

    const exchange = {
      grant_type: "authorization_code",
      code,
      redirect_uri: callback.origin + callback.pathname,
    };
    const first = await postToken(tokenUrl, exchange);
    assert.equal(first.status, 200);
    assert.equal(first.body.expires_in, 60);
    assert.equal((await postToken(tokenUrl, exchange)).status, 400, "a code works once");

    const api = (token: string) =>
      fetch(`${sim.apiBaseUrl}/outlets`, { headers: { authorization: `Bearer ${token}` } })
        .then(async (r) => (await r.body?.cancel(), r.status));
    assert.equal(await api(first.body.access_token), 200);
    const refreshed = await postToken(tokenUrl, {
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, first.body.refresh_token);
    const reused = await postToken(tokenUrl, {
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
    });
    assert.equal(reused.status, 400, "the rotated-out refresh token is revoked");
    assert.equal(reused.body.error, "invalid_grant");
    assert.deepEqual(sim.oauth!.liveRefreshTokens(), [refreshed.body.refresh_token]);

    clock.now += 61_000;
    assert.equal(await api(refreshed.body.access_token), 401, "an expired access token");
    assert.deepEqual(sim.oauth!.stats, {
      tokenRequests: 4,
      codeExchanges: 1,
      refreshes: 1,
      refused: 2,
    });
  });
});

Deno.test("token faults: a 5xx, at once or late, issues nothing; a slow reply has rotated already", async () => {
  await withOAuthSimulator(async (sim) => {
    const tokenUrl = new URL("/api/1.0/token", sim.apiBaseUrl).href;
    const redirect = await fetch(
      `${sim.authorizeUrl}?response_type=code&client_id=${app.clientId}` +
        "&redirect_uri=http://127.0.0.1:9/cb&state=s",
      { redirect: "manual" },
    );
    const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!;
    const issued = await postToken(tokenUrl, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://127.0.0.1:9/cb",
    });
    const refresh = { grant_type: "refresh_token", refresh_token: issued.body.refresh_token };
    sim.oauth!.queueTokenFaults(
      { type: "status", status: 503 },
      { type: "status", status: 502, ms: 100 },
      { type: "slow", ms: 300 },
    );
    assert.equal((await postToken(tokenUrl, refresh)).status, 503);
    const lateStarted = Date.now();
    assert.equal((await postToken(tokenUrl, refresh)).status, 502);
    assert.ok(Date.now() - lateStarted >= 90, "the 5xx came late");
    const aborted = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        ...refresh,
      }),
      signal: AbortSignal.timeout(50),
    }).catch((error) => error);
    assert.ok(aborted instanceof Error, "the slow reply did not arrive in time");
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await postToken(tokenUrl, refresh)).status, 400, "yet it rotated");
    assert.equal(sim.oauth!.stats.tokenRequests, 5);
  });
});
