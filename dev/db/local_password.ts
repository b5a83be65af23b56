// The local clusters' passwords. Every cluster of a checkout asks for a password over TCP
// (scram-sha-256): a web page the developer visits must not reach a database that may hold real
// store data. The superuser's password is random, made once per checkout and kept in the
// git-ignored .local/db-password (mode 600). The API roles' passwords (authenticator,
// supabase_auth_admin) are derived from it, so whoever holds a cluster's superuser URL
// (TEST_DATABASE_URL, say) can reach its API roles too, and nothing else needs storing.
import { createHmac, randomBytes } from "node:crypto";
import { join } from "../path_helpers.ts";

export function passwordFileOf(checkoutRoot: string): string {
  return join(checkoutRoot, ".local", "db-password");
}

/** The checkout's superuser password: read from .local/db-password, made there the first time. */
export function checkoutPassword(checkoutRoot: string): string {
  const file = passwordFileOf(checkoutRoot);
  try {
    return Deno.readTextFileSync(file).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  Deno.mkdirSync(join(checkoutRoot, ".local"), { recursive: true });
  try {
    // createNew: of two processes making it at once, one writes and both read that one.
    Deno.writeTextFileSync(file, `${randomBytes(24).toString("hex")}\n`, {
      createNew: true,
      mode: 0o600,
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  return Deno.readTextFileSync(file).trim();
}

/** A login role's password, derived from the cluster's superuser password. */
export function rolePassword(superuserPassword: string, role: string): string {
  return createHmac("sha256", superuserPassword).update(`local-stack role ${role}`).digest("hex");
}

/** The URL of the same database as `role`, with its derived password. */
export function databaseUrlAs(superuserUrl: string, role: string): string {
  const url = new URL(superuserUrl);
  const password = rolePassword(decodeURIComponent(url.password), role);
  url.username = role;
  url.password = password;
  return url.href;
}

/** A database URL fit to print: its password replaced. */
export function printableUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = "***";
  return url.href;
}
