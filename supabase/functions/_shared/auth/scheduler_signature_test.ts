import assert from "node:assert/strict";
import {
  isCallId,
  schedulerSignature,
  signatureValiditySeconds,
  verifySchedulerSignature,
} from "./scheduler_signature.ts";

const secret = "unit-sync-secret-0123456789abcdef";
const body = '{"entity": "sales", "trigger": "schedule"}';
const now = Date.UTC(2026, 11, 11, 10, 0, 0);
const nowSeconds = now / 1000;

async function signed(overrides: { t?: number; callId?: string; body?: string } = {}) {
  const t = overrides.t ?? nowSeconds;
  const callId = overrides.callId ?? "42";
  return {
    signature: await schedulerSignature(secret, t, callId, overrides.body ?? body),
    callId,
    body,
  };
}

async function reason(request: Parameters<typeof verifySchedulerSignature>[0]) {
  const check = await verifySchedulerSignature(request, secret, now);
  assert.ok(!check.valid, "expected a refusal");
  return check.reason;
}

Deno.test("a fresh signature over the call id and body is valid", async () => {
  assert.deepEqual(await verifySchedulerSignature(await signed(), secret, now), {
    valid: true,
    callId: "42",
  });
});

Deno.test("the signature is HMAC-SHA256 of t.call_id.body, as openssl computes it", async () => {
  // The dispatcher's SQL gives the same value (scheduler_caller_test.ts).
  assert.equal(
    await schedulerSignature("key", 1765447200, "42", "{}"),
    "t=1765447200,v1=" + await opensslHmac("key", "1765447200.42.{}"),
  );
});

async function opensslHmac(key: string, message: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args: ["dgst", "-sha256", "-hmac", key, "-r"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(message));
  await writer.close();
  const { stdout } = await child.output();
  return new TextDecoder().decode(stdout).split(" ")[0];
}

Deno.test("a signature older or newer than the validity window is refused", async () => {
  const edge = signatureValiditySeconds;
  assert.ok(
    (await verifySchedulerSignature(await signed({ t: nowSeconds - edge }), secret, now))
      .valid,
  );
  assert.ok(
    (await verifySchedulerSignature(await signed({ t: nowSeconds + edge }), secret, now))
      .valid,
  );
  assert.equal(
    await reason(await signed({ t: nowSeconds - edge - 1 })),
    `signature expired (signed ${edge + 1} s ago)`,
  );
  assert.equal(
    await reason(await signed({ t: nowSeconds + edge + 1 })),
    `signature dated ${edge + 1} s in the future`,
  );
});

Deno.test("a signature for another body or another call id is refused", async () => {
  const mismatch = "signature does not match the call id and body";
  assert.equal(
    await reason({ ...await signed(), body: body.replace("sales", "products") }),
    mismatch,
  );
  assert.equal(await reason({ ...await signed(), body: body + " " }), mismatch);
  assert.equal(await reason({ ...await signed(), callId: "43" }), mismatch);
  assert.equal(await reason(await signed({ body: "{}" })), mismatch);
});

Deno.test("a tampered signature is refused: other digits, another time, another key", async () => {
  const good = await signed();
  const [, t, v1] = good.signature.match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
  const flipped = v1.slice(0, -1) + (v1.endsWith("0") ? "1" : "0");
  const mismatch = "signature does not match the call id and body";
  assert.equal(await reason({ ...good, signature: `t=${t},v1=${flipped}` }), mismatch);
  assert.equal(await reason({ ...good, signature: `t=${Number(t) - 1},v1=${v1}` }), mismatch);
  const otherKey = await schedulerSignature("another-secret", nowSeconds, "42", body);
  assert.equal(await reason({ ...good, signature: otherKey }), mismatch);
});

Deno.test("a missing or malformed signature or call id is refused, saying which", async () => {
  const good = await signed();
  assert.equal(await reason({ ...good, signature: null }), "no x-sync-signature header");
  for (const bad of ["", "v1=abc", `t=${nowSeconds}`, good.signature.toUpperCase(), "t=x,v1=y"]) {
    assert.match(await reason({ ...good, signature: bad }), /is not t=<unix seconds>/, bad);
  }
  for (const bad of [null, "", "0", "-4", "4.2", "99999999999999999999"]) {
    assert.match(await reason({ ...good, callId: bad }), /x-sync-call-id is missing/, `${bad}`);
  }
});

Deno.test("a refusal never quotes the secret or the expected signature", async () => {
  const good = await signed();
  const text = await reason({ ...good, body: "{}" });
  assert.ok(!text.includes(secret));
  assert.ok(!text.includes(good.signature.slice(15)));
});

Deno.test("call ids are positive bigints in plain digits", () => {
  assert.ok(isCallId("1") && isCallId("9223372036854775807"));
  assert.ok(!isCallId("9223372036854775808") && !isCallId("01") && !isCallId(" 1"));
});
