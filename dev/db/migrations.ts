// Applies the bootstrap and the project's migrations. Migrations always go through the real
// Supabase CLI, exactly as they would to a hosted project.
import { fromFileUrl } from "../path_helpers.ts";
import { localDatabaseUrl, repoRoot } from "../paths.ts";
import { runChecked } from "../run_command.ts";
import { rolePassword } from "./local_password.ts";

const bootstrapFile = fromFileUrl(new URL("./supabase_bootstrap.sql", import.meta.url));
export const supabaseCli = `${repoRoot}dev/toolchain/node_modules/.bin/supabase`;

/** The URL the Supabase CLI needs: no TLS on a local cluster. */
function cliUrl(databaseUrl: string): string {
  return `${databaseUrl}${databaseUrl.includes("?") ? "&" : "?"}sslmode=disable`;
}

/** The login roles of the API services, whose passwords derive from the superuser's. */
export const apiLoginRoles = ["authenticator", "supabase_auth_admin"] as const;

/**
 * Applies the bootstrap to the local stack's database, or to the one at databaseUrl. The API
 * login roles get the passwords derived from that URL's (dev/db/local_password.ts).
 */
export async function applySupabaseBootstrap(
  databaseUrl: string = localDatabaseUrl,
): Promise<void> {
  const superuserPassword = decodeURIComponent(new URL(databaseUrl).password);
  const passwords = apiLoginRoles.flatMap((role) => [
    "-v",
    `${role}_password=${rolePassword(superuserPassword, role)}`,
  ]);
  await runChecked("psql", [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    ...passwords,
    "-d",
    databaseUrl,
    "-f",
    bootstrapFile,
  ]);
}

/** Applies the migrations with the Supabase CLI to the local stack's database, or to databaseUrl. */
export async function applyMigrations(databaseUrl: string = localDatabaseUrl): Promise<string> {
  const result = await runChecked(supabaseCli, [
    "migration",
    "up",
    "--include-all",
    "--workdir",
    repoRoot,
    "--db-url",
    cliUrl(databaseUrl),
  ], { env: { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" } });
  return (result.stdout + result.stderr).trim();
}
