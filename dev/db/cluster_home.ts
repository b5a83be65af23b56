// Where a local PostgreSQL cluster keeps its files (data, socket, log). Normally the checkout's
// git-ignored .local/<name>. As root, PostgreSQL runs as the `postgres` OS user, and a checkout
// that user cannot enter (say under root's home, mode 700) cannot hold them; the user's folders
// are never chmod-ed for it. Those clusters live in a folder of the postgres user instead, one
// per checkout (see the README, "The local stack").
import { createHash } from "node:crypto";
import { join, pathExists } from "../path_helpers.ts";
import { isRoot } from "../run_command.ts";

/** The postgres user's own place for the clusters of checkouts it cannot enter. */
export const outsideCheckoutRoot = "/var/lib/postgresql/lightspeed-sync";

// initdb and postgres refuse to run as root; Debian's packages create this OS user.
export const osUserWhenRoot = "postgres";

/** The same checkout, however it is reached (symlinks), gives the same folder. */
function checkoutKey(checkoutRoot: string): string {
  return createHash("sha256").update(Deno.realPathSync(checkoutRoot)).digest("hex").slice(0, 16);
}

/**
 * Whether the postgres OS user can enter `dir` (and so every folder above it): asked of that
 * user for real, so ACLs and group rights count. When the question cannot be asked (no such
 * user yet, before the packages are installed), the answer is yes: the checkout stays the place.
 */
function postgresCanEnter(dir: string): boolean {
  const probe = new Deno.Command("runuser", {
    args: ["-u", osUserWhenRoot, "--", "test", "-x", dir],
    cwd: "/",
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  return probe.code === 0 || probe.stderr.length > 0;
}

/**
 * The folder of the cluster `name` of the checkout at checkoutRoot: <checkout>/.local/<name>,
 * unless we are root and the postgres user cannot enter <checkout>/.local; then
 * /var/lib/postgresql/lightspeed-sync/<hash of the checkout's real path>/<name>. A cluster
 * already made there stays there, so start, stop and reset always find the same one.
 */
export function clusterHome(checkoutRoot: string, name: string): string {
  const stateDir = join(checkoutRoot, ".local");
  const inCheckout = join(stateDir, name);
  if (!isRoot()) return inCheckout;
  Deno.mkdirSync(stateDir, { recursive: true });
  const outside = join(outsideCheckoutRoot, checkoutKey(checkoutRoot), name);
  if (pathExists(join(outside, "data", "PG_VERSION"))) return outside;
  return postgresCanEnter(stateDir) ? inCheckout : outside;
}

export function isOutsideCheckout(homeDir: string): boolean {
  return homeDir.startsWith(`${outsideCheckoutRoot}/`);
}
