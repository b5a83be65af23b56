// The checkout's database password: made once, private to its owner, stable; the API roles'
// passwords derived from it; URLs printed without it.
import assert from "node:assert/strict";
import { pathExists } from "../path_helpers.ts";
import {
  checkoutPassword,
  databaseUrlAs,
  passwordFileOf,
  printableUrl,
  rolePassword,
} from "./local_password.ts";

Deno.test("checkoutPassword() makes a random password once, mode 600, and reads it back", async () => {
  const checkout = await Deno.makeTempDir({ prefix: "lsync-password-" });
  const other = await Deno.makeTempDir({ prefix: "lsync-password-" });
  try {
    const password = checkoutPassword(checkout);
    assert.match(password, /^[0-9a-f]{48}$/);
    assert.equal((await Deno.stat(passwordFileOf(checkout))).mode! & 0o777, 0o600);
    assert.equal(checkoutPassword(checkout), password, "kept, not made again");
    assert.notEqual(checkoutPassword(other), password, "one per checkout");
  } finally {
    await Deno.remove(checkout, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});

Deno.test("a new clone whose clusters live outside it takes the password kept beside them", async () => {
  const clusters = await Deno.makeTempDir({ prefix: "lsync-clusters-" });
  const firstClone = await Deno.makeTempDir({ prefix: "lsync-password-" });
  const secondClone = await Deno.makeTempDir({ prefix: "lsync-password-" });
  const copy = `${clusters}/db-password`;
  try {
    const password = checkoutPassword(firstClone, copy);
    assert.equal(Deno.readTextFileSync(copy).trim(), password, "a copy beside the clusters");
    assert.equal((await Deno.stat(copy)).mode! & 0o777, 0o600);
    // The same path cloned again: .local is new, the clusters (and their password) are not.
    assert.equal(checkoutPassword(secondClone, copy), password);
    assert.equal(Deno.readTextFileSync(passwordFileOf(secondClone)).trim(), password);
    // No folder beside the clusters yet: nothing is written there.
    const none = `${clusters}/not-made-yet/db-password`;
    checkoutPassword(await Deno.makeTempDir({ dir: clusters }), none);
    assert.equal(pathExists(none), false);
  } finally {
    for (const dir of [clusters, firstClone, secondClone]) {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("databaseUrlAs() logs in as the role with its password derived from the superuser's", () => {
  const url = "postgresql://postgres:secret1@127.0.0.1:54322/postgres";
  const authenticator = new URL(databaseUrlAs(url, "authenticator"));
  assert.equal(authenticator.username, "authenticator");
  assert.equal(authenticator.password, rolePassword("secret1", "authenticator"));
  assert.equal(authenticator.host, "127.0.0.1:54322");
  assert.equal(authenticator.pathname, "/postgres");
  assert.notEqual(
    rolePassword("secret1", "authenticator"),
    rolePassword("secret2", "authenticator"),
  );
  assert.notEqual(
    rolePassword("secret1", "authenticator"),
    rolePassword("secret1", "supabase_auth_admin"),
  );
  assert.equal(
    printableUrl(url),
    "postgresql://postgres:***@127.0.0.1:54322/postgres",
  );
});
