// The local clusters' passwords. Every cluster of a checkout asks for a password over TCP
// (scram-sha-256): a web page the developer visits must not reach a database that may hold real
// store data. The superuser's password is random, made once per checkout and kept in the
// git-ignored .local/db-password (mode 600). The API roles' passwords (authenticator,
// supabase_auth_admin) are derived from it, so whoever holds a cluster's superuser URL
// (TEST_DATABASE_URL, say) can reach its API roles too, and nothing else needs storing.
import { createHmac, randomBytes } from "node:crypto";
import { join, pathExists } from "../path_helpers.ts";
import { clusterHome, isOutsideCheckout } from "./cluster_home.ts";

export function passwordFileOf(checkoutRoot: string): string {
  return join(checkoutRoot, ".local", "db-password");
}

/**
 * Where a checkout whose clusters live outside it (cluster_home.ts) keeps a copy of its password:
 * beside those clusters, so a new clone at the same path, whose .local starts empty, still opens
 * them instead of making a password they refuse. Null when the clusters live in the checkout.
 */
export function passwordBesideClusters(checkoutRoot: string): string | null {
  const home = clusterHome(checkoutRoot, "postgres");
  return isOutsideCheckout(home) ? join(home, "..", "db-password") : null;
}

function readPassword(file: string): string | null {
  try {
    return Deno.readTextFileSync(file).trim() || null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Keeps a copy beside the clusters once their folder exists (it is made with the first one). */
function keepCopyBesideClusters(copy: string | null, password: string): void {
  if (copy === null || !pathExists(join(copy, "..")) || readPassword(copy) === password) return;
  Deno.writeTextFileSync(copy, `${password}\n`, { mode: 0o600 });
}

/**
 * The checkout's superuser password: read from .local/db-password; the first time, taken from
 * the copy beside the checkout's clusters if there is one, else made at random.
 */
export function checkoutPassword(
  checkoutRoot: string,
  besideClusters: string | null = passwordBesideClusters(checkoutRoot),
): string {
  const file = passwordFileOf(checkoutRoot);
  let password = readPassword(file);
  if (password === null) {
    const initial = (besideClusters && readPassword(besideClusters)) ??
      randomBytes(24).toString("hex");
    Deno.mkdirSync(join(checkoutRoot, ".local"), { recursive: true });
    try {
      // createNew: of two processes making it at once, one writes and both read that one.
      Deno.writeTextFileSync(file, `${initial}\n`, { createNew: true, mode: 0o600 });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    password = readPassword(file)!;
  }
  keepCopyBesideClusters(besideClusters, password);
  return password;
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
