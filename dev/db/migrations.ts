// Applies the bootstrap and the project's migrations. Migrations always go through the real
// Supabase CLI, exactly as they would to a hosted project.
import { fromFileUrl } from "../path_helpers.ts";
import { localDatabaseUrl, localDatabaseUrlForCli, repoRoot } from "../paths.ts";
import { runChecked } from "../run_command.ts";

const bootstrapFile = fromFileUrl(new URL("./supabase_bootstrap.sql", import.meta.url));
export const supabaseCli = `${repoRoot}dev/toolchain/node_modules/.bin/supabase`;

export async function applySupabaseBootstrap(): Promise<void> {
  await runChecked("psql", [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-d",
    localDatabaseUrl,
    "-f",
    bootstrapFile,
  ]);
}

export async function applyMigrations(): Promise<string> {
  const result = await runChecked(supabaseCli, [
    "migration",
    "up",
    "--include-all",
    "--workdir",
    repoRoot,
    "--db-url",
    localDatabaseUrlForCli,
  ], { env: { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" } });
  return (result.stdout + result.stderr).trim();
}
