// The deploy plan: exact commands, a dry run that changes nothing and prints no secret, clear
// configuration errors, and Vault SQL that is idempotent on the real (local) database.
import assert from "node:assert/strict";
import { connect } from "../net_worker_test_support.ts";
import { planDeploy, validateDeployInputs, vaultSql } from "./deploy_plan.ts";
import { type DeployIo, runDeploy } from "./run_deploy.ts";

const ref = "abcdefghijklmnopqrst";
const account = {
  SUPABASE_PROJECT_REF: ref,
  SUPABASE_ACCESS_TOKEN: "sbp_access_token_value_0123456789",
  SUPABASE_DB_PASSWORD: "db-password-value-0123456789",
};
const functionSecrets = {
  SYNC_SECRET: "sync-secret-value-0123456789abcdef0123",
  LIGHTSPEED_TOKEN: "lightspeed-token-value-0123456789",
  LIGHTSPEED_DOMAIN_PREFIX: "mystore",
};
const secretValues = [
  account.SUPABASE_ACCESS_TOKEN,
  account.SUPABASE_DB_PASSWORD,
  functionSecrets.SYNC_SECRET,
  functionSecrets.LIGHTSPEED_TOKEN,
];

function fakeIo(overrides: Partial<DeployIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ran: { args: string[]; stdin?: string }[] = [];
  const io: DeployIo = {
    env: { ...account },
    readEnvFile: (path) => Promise.resolve(path === "prod.env" ? { ...functionSecrets } : null),
    isGitIgnored: () => Promise.resolve(true),
    supabase: (args, stdin) => {
      ran.push({ args, stdin });
      return Promise.resolve(0);
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    ...overrides,
  };
  return { io, out, err, ran, text: () => [...out, ...err].join("\n") };
}

const expectedCommands = [
  `supabase link --project-ref ${ref}`,
  "supabase db push --linked --include-all --yes",
  `supabase functions deploy sync-entity --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase functions deploy import-history --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase functions deploy health --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase functions deploy lightspeed-webhook --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase functions deploy lightspeed-oauth --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase functions deploy repair --no-verify-jwt --use-api --project-ref ${ref}`,
  `supabase secrets set --env-file prod.env --project-ref ${ref}`,
  "supabase db query --linked < (SQL storing Vault secrets project_url = " +
  `https://${ref}.supabase.co and sync_secret = <SYNC_SECRET from prod.env>; the first time, ` +
  "it also switches the scheduler on (public.sync_schedule.enabled))",
  `supabase db query --linked "select enabled as scheduler_enabled, incremental_every_minutes, ` +
  `nightly_hour, coalesce(time_zone, 'first outlet''s') as time_zone from public.sync_schedule"`,
];

Deno.test("the dry run prints the exact commands, runs nothing and shows no secret", async () => {
  const run = fakeIo();
  assert.equal(await runDeploy(["--dry-run", "--env-file", "prod.env"], run.io), 0);
  assert.equal(run.ran.length, 0, "a dry run runs no command");
  const printed = run.out.join("\n").split("\n").filter((l) => l.startsWith("  $ "))
    .map((l) => l.slice(4));
  assert.deepEqual(printed, expectedCommands);
  assert.match(
    run.out[0],
    /^Plan \(dry run, nothing is changed\) to https:\/\/abcdefghijklmnopqrst/,
  );
  for (const value of secretValues) assert.ok(!run.text().includes(value), "a secret was printed");
});

Deno.test("a real run runs the same commands in order, secrets only on stdin", async () => {
  const run = fakeIo();
  assert.equal(await runDeploy(["--env-file", "prod.env"], run.io), 0);
  assert.deepEqual(
    run.ran.map((r) => r.args),
    planDeploy({
      projectRef: ref,
      envFilePath: "prod.env",
      functionSecrets,
    }).map((s) => s.args),
  );
  for (const { args } of run.ran) {
    for (const value of secretValues) assert.ok(!args.join(" ").includes(value));
  }
  const vault = run.ran.find((r) => r.stdin !== undefined)!;
  assert.ok(vault.stdin?.includes(functionSecrets.SYNC_SECRET), "Vault SQL goes on stdin");
  // Only SELECT and UPDATE statements, whose constants pg_stat_statements replaces with $n (see
  // deploy_vault_sql_stat_statements_test.ts); a DO block would be kept there as sent.
  const statements = vault.stdin!.split(/;\s*/).filter((s) => s.trim() !== "");
  assert.deepEqual(
    [...new Set(statements.map((s) => s.trim().split(/\s/)[0]))].sort(),
    ["select", "update"],
  );
  for (const value of secretValues) assert.ok(!run.text().includes(value));
});

Deno.test("a failing step stops the deploy with one line naming it", async () => {
  const run = fakeIo({ supabase: (args) => Promise.resolve(args[0] === "db" ? 1 : 0) });
  assert.equal(await runDeploy(["--env-file", "prod.env"], run.io), 1);
  assert.equal(
    run.err.at(-1),
    "Step 2 (Push the migrations (schema, RLS, views, schedule)) failed with exit code 1; fix " +
      "the cause above and run deno task deploy again (every step is safe to repeat)",
  );
});

Deno.test("configuration problems are listed by name, never by value", async () => {
  const noAccount = fakeIo({ env: {} });
  assert.equal(await runDeploy(["--dry-run", "--env-file", "prod.env"], noAccount.io), 2);
  assert.match(noAccount.err[0], /^Cannot deploy \(3 problems\)/);
  for (const name of Object.keys(account)) assert.ok(noAccount.err[0].includes(`- ${name}:`));

  assert.throws(
    () =>
      validateDeployInputs(account, "local.env", {
        SYNC_SECRET: "short",
        SUPABASE_DB_URL: "postgresql://postgres:pw@127.0.0.1:54322/postgres",
      }),
    (error: Error) => {
      assert.match(error.message, /SYNC_SECRET in local\.env: a random value of at least 32/);
      assert.match(error.message, /LIGHTSPEED_TOKEN in local\.env/);
      assert.match(error.message, /LIGHTSPEED_DOMAIN_PREFIX in local\.env/);
      assert.match(error.message, /SUPABASE_DB_URL in local\.env: remove/);
      assert.ok(!error.message.includes("pw@"), "values are never echoed");
      return true;
    },
  );

  const missingFile = fakeIo();
  assert.equal(await runDeploy(["--dry-run", "--env-file", "nope.env"], missingFile.io), 2);
  assert.match(missingFile.err[0], /nope\.env: not found/);

  const tracked = fakeIo({ isGitIgnored: () => Promise.resolve(false) });
  assert.equal(await runDeploy(["--env-file", "prod.env"], tracked.io), 2);
  assert.match(tracked.err[0], /not git-ignored/);
  assert.equal(tracked.ran.length, 0);

  const badArgs = fakeIo();
  assert.equal(await runDeploy(["--force"], badArgs.io), 2);
  assert.match(badArgs.err[0], /^Usage: deno task deploy/);
});

Deno.test("the Vault SQL creates, then updates, and switches the scheduler on only once", async () => {
  const sql = await connect();
  const rollback = new Error("rollback");
  try {
    await sql.begin(async (tx) => {
      await tx`delete from vault.secrets where name in ('project_url', 'sync_secret')`;
      await tx`update public.sync_schedule set enabled = false`;
      await tx.unsafe(vaultSql("https://one.supabase.co", "first-secret-with-a-quote-'-inside"));
      const first = await tx`select name, decrypted_secret from vault.decrypted_secrets
        where name in ('project_url', 'sync_secret') order by name`;
      assert.deepEqual(first.map((r) => [r.name, r.decrypted_secret]), [
        ["project_url", "https://one.supabase.co"],
        ["sync_secret", "first-secret-with-a-quote-'-inside"],
      ]);
      assert.equal((await tx`select enabled from public.sync_schedule`)[0].enabled, true);

      // An operator pauses the schedule; deploying again updates the values, keeps the pause.
      await tx`update public.sync_schedule set enabled = false`;
      await tx.unsafe(vaultSql("https://two.supabase.co", "second-secret"));
      const second = await tx`select name, decrypted_secret from vault.decrypted_secrets
        where name in ('project_url', 'sync_secret') order by name`;
      assert.deepEqual(second.map((r) => [r.name, r.decrypted_secret]), [
        ["project_url", "https://two.supabase.co"],
        ["sync_secret", "second-secret"],
      ]);
      assert.equal((await tx`select enabled from public.sync_schedule`)[0].enabled, false);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  } finally {
    await sql.end();
  }
});
