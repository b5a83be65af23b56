// deno task deploy [--dry-run] [--env-file <path>] — one-command deploy to a real Supabase
// project: link, push migrations, deploy the three functions, set the function secrets, store
// the Vault secrets the pg_cron jobs read. Safe to run again. Steps by hand: docs/deploy.md.
import { supabaseCli } from "./db/migrations.ts";
import { readEnvFile } from "./env_file.ts";
import { runDeploy } from "./ops/run_deploy.ts";
import { join } from "./path_helpers.ts";
import { repoRoot } from "./paths.ts";
import { runCommand } from "./run_command.ts";

const inRepo = (path: string) => path.startsWith("/") ? path : join(repoRoot, path);

const code = await runDeploy(Deno.args, {
  env: Deno.env.toObject(),
  async readEnvFile(path) {
    try {
      await Deno.stat(inRepo(path));
    } catch {
      return null;
    }
    return await readEnvFile(inRepo(path));
  },
  async isGitIgnored(path) {
    const absolute = inRepo(path);
    if (!absolute.startsWith(repoRoot)) return true;
    const result = await runCommand("git", ["check-ignore", "-q", absolute], { cwd: repoRoot });
    return result.code === 0;
  },
  async supabase(args, stdin, secrets = []) {
    const result = await runCommand(supabaseCli, [...args, "--workdir", repoRoot], {
      cwd: repoRoot,
      inherit: stdin === undefined,
      stdin,
      env: { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    });
    // With stdin the output is captured (runCommand cannot pipe and inherit at once), and any
    // echo of the SQL is scrubbed of the secret values it carried.
    if (stdin !== undefined) {
      let output = (result.stdout + result.stderr).trim();
      for (const secret of secrets) output = output.replaceAll(secret, "<redacted>");
      if (output) console.log(output);
    }
    return result.code;
  },
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
Deno.exit(code);
