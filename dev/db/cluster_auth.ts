// How a local cluster's clients authenticate. Clusters made before passwords were introduced
// trusted every local connection (`initdb --auth=trust`): any web page the developer visited
// could reach them on 127.0.0.1. Such a cluster is brought in line when it next starts, keeping
// its data: the superuser gets the checkout's password, then pg_hba.conf asks for it.
import postgres from "postgres";
import { databaseUrlOf, type PgInstance } from "../paths.ts";

/** pg_hba.conf lines (not comments) whose method is `trust`. */
const trustLine = /^(\s*[^#\s][^#]*?\s)trust(\s*(?:#.*)?)$/gm;

export function trustsConnections(hba: string): boolean {
  return new RegExp(trustLine.source, "m").test(hba);
}

/** The same rules, each asking for a password (scram-sha-256) instead of trusting. */
export function withPasswordsRequired(hba: string): string {
  return hba.replace(trustLine, "$1scram-sha-256$2");
}

/**
 * On a running cluster that still trusts connections: sets the superuser's password (while
 * trust still lets us in) and rewrites pg_hba.conf to require it. Returns whether pg_hba.conf
 * changed, in which case the caller reloads the server.
 */
export async function requirePasswords(instance: PgInstance): Promise<boolean> {
  const hbaFile = `${instance.dataDir}/pg_hba.conf`;
  const hba = await Deno.readTextFile(hbaFile);
  if (!trustsConnections(hba)) return false;
  const sql = postgres(databaseUrlOf(instance), { max: 1, onnotice: () => {} });
  try {
    // ALTER ROLE takes no parameters: a plain role name and a hex password need no quoting.
    if (!/^[a-z_][a-z0-9_]*$/.test(instance.user) || !/^[0-9a-f]+$/.test(instance.password)) {
      throw new Error("unexpected role name or password format");
    }
    await sql.unsafe(`alter role ${instance.user} password '${instance.password}'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await Deno.writeTextFile(hbaFile, withPasswordsRequired(hba));
  return true;
}
