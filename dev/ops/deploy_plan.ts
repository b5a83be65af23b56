// What `deno task deploy` does, as data: validated inputs and the exact Supabase CLI commands,
// so the dry run prints the same plan the real run executes. Secret values only ever travel in
// the environment of a child process or on its stdin, never in a printed or argv string.
import { z } from "zod";

import { functionNames } from "../function_names.ts";

export { functionNames };
export const defaultEnvFile = "supabase/functions/.env.production";

export interface DeployInputs {
  projectRef: string;
  envFilePath: string;
  /** The function secrets read from the env file. */
  functionSecrets: Record<string, string>;
}

export interface DeployStep {
  title: string;
  /** Arguments for the supabase CLI. */
  args: string[];
  /** SQL sent on stdin (it carries secret values, so it is never printed). */
  stdin?: string;
  /** What the plan prints for stdin. */
  stdinSummary?: string;
}

export class DeployConfigError extends Error {}

const accountSchema = z.object({
  SUPABASE_PROJECT_REF: z.string().regex(/^[a-z]{20}$/),
  SUPABASE_ACCESS_TOKEN: z.string().min(1),
  SUPABASE_DB_PASSWORD: z.string().min(1),
});

const accountExpectations: Record<string, string> = {
  SUPABASE_PROJECT_REF: "the project's 20-letter ref (Project Settings → General)",
  SUPABASE_ACCESS_TOKEN: "a personal access token (supabase.com/dashboard/account/tokens)",
  SUPABASE_DB_PASSWORD: "the project's database password",
};

/** Checks the environment and the env file; lists every problem by name, never a value. */
export function validateDeployInputs(
  env: Record<string, string | undefined>,
  envFilePath: string,
  envFile: Record<string, string> | null,
): DeployInputs {
  const problems: string[] = [];
  const account = accountSchema.safeParse(
    Object.fromEntries(
      Object.keys(accountExpectations).map((k) => [k, env[k]?.trim() || undefined]),
    ),
  );
  for (const issue of account.error?.issues ?? []) {
    const name = String(issue.path[0]);
    problems.push(`${name}: ${accountExpectations[name]}`);
  }
  if (envFile === null) {
    problems.push(
      `${envFilePath}: not found; create it with the function secrets (docs/deploy.md)`,
    );
  } else {
    if ((envFile.SYNC_SECRET ?? "").length < 32) {
      problems.push(`SYNC_SECRET in ${envFilePath}: a random value of at least 32 characters`);
    }
    if (!envFile.LIGHTSPEED_TOKEN) {
      problems.push(`LIGHTSPEED_TOKEN in ${envFilePath}: the store's personal access token`);
    }
    if (!envFile.LIGHTSPEED_DOMAIN_PREFIX && !envFile.LIGHTSPEED_API_BASE_URL) {
      problems.push(`LIGHTSPEED_DOMAIN_PREFIX in ${envFilePath}: the store's domain prefix`);
    }
    const reserved = Object.keys(envFile).filter((name) => name.startsWith("SUPABASE_"));
    if (reserved.length > 0) {
      problems.push(
        `${reserved.join(", ")} in ${envFilePath}: remove; the platform provides SUPABASE_* ` +
          "names itself and refuses secrets that start with SUPABASE_",
      );
    }
  }
  if (problems.length > 0) {
    throw new DeployConfigError(
      `Cannot deploy (${problems.length} ${problems.length === 1 ? "problem" : "problems"}):\n` +
        problems.map((p) => `- ${p}`).join("\n"),
    );
  }
  return {
    projectRef: account.data!.SUPABASE_PROJECT_REF,
    envFilePath,
    functionSecrets: envFile!,
  };
}

export function projectUrl(projectRef: string): string {
  return `https://${projectRef}.supabase.co`;
}

/** The steps, in order. Each is safe to repeat. */
export function planDeploy(inputs: DeployInputs): DeployStep[] {
  const ref = inputs.projectRef;
  return [
    { title: "Link the project", args: ["link", "--project-ref", ref] },
    {
      title: "Push the migrations (schema, RLS, views, schedule)",
      args: ["db", "push", "--linked", "--include-all", "--yes"],
    },
    ...functionNames.map((name) => ({
      title: `Deploy the ${name} function`,
      args: ["functions", "deploy", name, "--no-verify-jwt", "--use-api", "--project-ref", ref],
    })),
    {
      title: "Set the function secrets",
      args: ["secrets", "set", "--env-file", inputs.envFilePath, "--project-ref", ref],
    },
    {
      title: "Store the Vault secrets the pg_cron jobs read",
      args: ["db", "query", "--linked"],
      stdin: vaultSql(projectUrl(ref), inputs.functionSecrets.SYNC_SECRET),
      stdinSummary: `SQL storing Vault secrets project_url = ${projectUrl(ref)} and ` +
        `sync_secret = <SYNC_SECRET from ${inputs.envFilePath}>; the first time, it also switches ` +
        "the scheduler on (public.sync_schedule.enabled)",
    },
    {
      title: "Show the scheduler's state",
      args: [
        "db",
        "query",
        "--linked",
        "select enabled as scheduler_enabled, incremental_every_minutes, nightly_hour, " +
        "coalesce(time_zone, 'first outlet''s') as time_zone from public.sync_schedule",
      ],
    },
  ];
}

function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Creates or updates the two Vault secrets (names are unique, so a second create would fail).
 * The scheduler is switched on only when sync_secret did not exist yet, so re-running the deploy
 * never resumes a schedule an operator paused.
 *
 * Plain SELECT and UPDATE statements only, never a DO block: hosted projects run
 * pg_stat_statements, which keeps a utility statement's text (a DO block, secret included) as
 * sent, but replaces the constants of a SELECT with $1, $2, ..., so the secret never reaches
 * extensions.pg_stat_statements or the dashboard's Query Performance page. Sent as one query
 * string, the statements run in one implicit transaction: all of them or none.
 */
export function vaultSql(url: string, syncSecret: string): string {
  const upsert = (name: string, value: string, description: string) =>
    `select vault.update_secret(id, ${sqlLiteral(value)}) from vault.secrets
  where name = '${name}';
select vault.create_secret(${sqlLiteral(value)}, '${name}', '${description}')
  where not exists (select 1 from vault.secrets where name = '${name}');
`;
  return `update public.sync_schedule set enabled = true, updated_at = now()
  where not exists (select 1 from vault.secrets where name = 'sync_secret');
${upsert("project_url", url, "Base URL the pg_cron jobs call (deno task deploy)")}${
    upsert(
      "sync_secret",
      syncSecret,
      "Key the pg_cron jobs sign their calls with (deno task deploy)",
    )
  }`;
}

/** One printable line per step: the command as typed, with no secret value in it. */
export function describeStep(step: DeployStep): string {
  const quoted = step.args.map((a) => /^[A-Za-z0-9_./:=-]+$/.test(a) ? a : `"${a}"`);
  const command = ["supabase", ...quoted].join(" ");
  return step.stdinSummary ? `${command} < (${step.stdinSummary})` : command;
}
