import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { webhookSignature } from "../../../simulator/webhook_sender.ts";
import { verifyWebhookSignature } from "./webhook_signature.ts";

const secret = "oauth-client-secret";
const body = "payload=%7B%22id%22%3A%221%22%7D&type=sale.update";

Deno.test("the simulator's hex signature is accepted, and so is the base64 form", async () => {
  assert.deepEqual(await verifyWebhookSignature(webhookSignature(secret, body), body, secret), {
    valid: true,
  });
  const mac = createHmac("sha256", secret).update(body).digest("base64");
  const header = `signature=${mac}, algorithm=HMAC-SHA256`;
  assert.deepEqual(await verifyWebhookSignature(header, body, secret), { valid: true });
  const unpadded = `algorithm=HMAC-SHA256,signature=${mac.replace(/=$/, "")}`;
  assert.deepEqual(await verifyWebhookSignature(unpadded, body, secret), { valid: true });
});

Deno.test("a missing, malformed, other-algorithm or wrong signature is refused with its reason", async () => {
  const good = webhookSignature(secret, body);
  const cases: [string | null, string, string][] = [
    [null, body, "no X-Signature header"],
    ["signature=abc,algorithm=HMAC-SHA256", body, "X-Signature holds no signature"],
    [good.replace("HMAC-SHA256", "HMAC-SHA1"), body, "X-Signature does not name"],
    [good, `${body}&x=1`, "X-Signature does not match the body"],
    [webhookSignature("another-secret", body), body, "X-Signature does not match the body"],
  ];
  for (const [header, signedBody, reason] of cases) {
    const check = await verifyWebhookSignature(header, signedBody, secret);
    assert.equal(check.valid, false);
    assert.ok(
      !check.valid && check.reason.startsWith(reason),
      `${header}: ${JSON.stringify(check)}`,
    );
  }
});
