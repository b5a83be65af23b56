// A failed command's error names its arguments without the passwords in them.
import assert from "node:assert/strict";
import { runChecked, withoutPasswords } from "./run_command.ts";
import { freePort } from "./testing/functions_process.ts";

Deno.test("withoutPasswords() hides URL passwords and password settings, nothing else", () => {
  assert.deepEqual(
    withoutPasswords([
      "-d",
      "postgresql://postgres:s3cret@127.0.0.1:54322/postgres?sslmode=disable",
      "-v",
      "authenticator_password=abc123",
      "postgresql://postgres@127.0.0.1:54322/postgres",
      "--workdir",
    ]),
    [
      "-d",
      "postgresql://postgres:***@127.0.0.1:54322/postgres?sslmode=disable",
      "-v",
      "authenticator_password=***",
      "postgresql://postgres@127.0.0.1:54322/postgres",
      "--workdir",
    ],
  );
});

Deno.test("runChecked() reports a failed command without the password of its database URL", async () => {
  const url = `postgresql://postgres:do-not-print-me@127.0.0.1:${freePort()}/postgres`;
  await assert.rejects(
    runChecked("psql", ["-X", "-w", "-c", "select 1", "-d", url]),
    (error: Error) => {
      assert.match(
        error.message,
        /^Command "psql -X -w -c select 1 -d postgresql:\/\/postgres:\*\*\*@/,
      );
      assert.doesNotMatch(error.message, /do-not-print-me/);
      return true;
    },
  );
});
