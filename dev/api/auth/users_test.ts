import assert from "node:assert/strict";
import type { Sql } from "postgres";
import { createLocalUser, localMinimumPasswordLength } from "./users.ts";

// The length check comes before any query, so no database is needed.
const noDatabase = null as unknown as Sql;

Deno.test("createLocalUser() refuses a password shorter than the configured minimum", async () => {
  assert.equal(localMinimumPasswordLength, 12);
  await assert.rejects(
    createLocalUser(noDatabase, "a@example.com", "elevenchars", { staff: false }),
    /at least 12 characters/,
  );
  await assert.rejects(
    createLocalUser(noDatabase, "a@example.com", "fifteen-chars-x", {
      staff: false,
      minimumPasswordLength: 16,
    }),
    /at least 16 characters/,
  );
});
