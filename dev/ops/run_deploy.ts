// Runs (or, with --dry-run, prints) the deploy plan, one Supabase CLI command per step, and
// stops at the first failure with one line saying which step failed. Every step is idempotent,
// so the fix is always "correct it and run deno task deploy again".
import {
  defaultEnvFile,
  DeployConfigError,
  describeStep,
  planDeploy,
  projectUrl,
  validateDeployInputs,
} from "./deploy_plan.ts";

export interface DeployIo {
  env: Record<string, string | undefined>;
  /** null when the file does not exist. */
  readEnvFile(path: string): Promise<Record<string, string> | null>;
  /** False when the file could be committed by accident. */
  isGitIgnored(path: string): Promise<boolean>;
  /** Runs `supabase <args>` with output shown (minus `secrets`); returns the exit code. */
  supabase(args: string[], stdin?: string, secrets?: string[]): Promise<number>;
  out(text: string): void;
  err(text: string): void;
}

const usage = "Usage: deno task deploy [--dry-run] [--env-file <path>] " +
  `(default ${defaultEnvFile}); needs SUPABASE_PROJECT_REF, SUPABASE_ACCESS_TOKEN and ` +
  "SUPABASE_DB_PASSWORD in the environment";

export async function runDeploy(args: string[], io: DeployIo): Promise<number> {
  let dryRun = false;
  let envFilePath = defaultEnvFile;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--dry-run") dryRun = true;
    else if (args[i] === "--env-file" && args[i + 1]) envFilePath = args[++i];
    else {
      io.err(usage);
      return 2;
    }
  }

  let steps;
  let ref;
  let secrets: string[] = [];
  try {
    const inputs = validateDeployInputs(io.env, envFilePath, await io.readEnvFile(envFilePath));
    ref = inputs.projectRef;
    secrets = Object.values(inputs.functionSecrets).filter((v) => v.length >= 8);
    if (!await io.isGitIgnored(envFilePath)) {
      throw new DeployConfigError(
        `${envFilePath} holds secrets but is not git-ignored; add it to .gitignore first`,
      );
    }
    steps = planDeploy(inputs);
  } catch (error) {
    if (error instanceof DeployConfigError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }

  io.out(
    `${dryRun ? "Plan (dry run, nothing is changed)" : "Deploying"} to ${projectUrl(ref)}:`,
  );
  for (const [index, step] of steps.entries()) {
    io.out(`\n${index + 1}/${steps.length} ${step.title}\n  $ ${describeStep(step)}`);
    if (dryRun) continue;
    const code = await io.supabase(step.args, step.stdin, secrets);
    if (code !== 0) {
      io.err(
        `Step ${index + 1} (${step.title}) failed with exit code ${code}; ` +
          "fix the cause above and run deno task deploy again (every step is safe to repeat)",
      );
      return 1;
    }
  }
  io.out(
    dryRun ? "\nRun without --dry-run to apply." : `\nDone. Next: start the historical import with
  SUPABASE_URL=${projectUrl(ref)} SYNC_SECRET=<from ${envFilePath}> deno task invoke import-history
and check it with: SUPABASE_URL=${projectUrl(ref)} SYNC_SECRET=... deno task invoke health
For near-real-time (LIGHTSPEED_WEBHOOK_TOKEN set in ${envFilePath}), register the webhooks with
  SUPABASE_URL=${projectUrl(ref)} deno task webhooks register`,
  );
  return 0;
}
