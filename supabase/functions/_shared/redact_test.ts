import assert from "node:assert/strict";
import { describeError, redactSecrets } from "./redact.ts";

Deno.test("redactSecrets() removes each secret, connection passwords and bearer tokens", () => {
  const text = "token s3cr3t-value failed; postgresql://postgres:hunter22@db:5432/x; " +
    "Authorization: Bearer abcdefghijk.lmn";
  assert.equal(
    redactSecrets(text, ["s3cr3t-value", "abc"]),
    "token [redacted] failed; postgresql://postgres:[redacted]@db:5432/x; " +
      "Authorization: Bearer [redacted]",
  );
});

Deno.test("describeError() gives an error's message, or its name, or the thrown value, redacted", () => {
  assert.equal(
    describeError(new Error("key s3cr3t-value refused"), ["s3cr3t-value"]),
    "key [redacted] refused",
  );
  assert.equal(describeError(new RangeError(""), []), "RangeError");
  assert.equal(describeError("plain s3cr3t-value", ["s3cr3t-value"]), "plain [redacted]");
  assert.equal(describeError(42, []), "42");
});
