// deno task test: every check the project has, in one command, with one closing count.
// Order: cheap static checks first, then the database-backed suites against the local stack.
// The closing line `N passed, M failed` (CI reads it) counts tests and checks that really ran
// (dev/test_counts.ts); setup steps are not passes.
import { startLocalDatabase, startLocalPooler } from "./db/main.ts";
import { poolerTransactions, poolerUrl } from "./db/pooler.ts";
import {
  chromiumRequirement,
  ensureDebianPackages,
  pgbouncerRequirement,
} from "./db/system_packages.ts";
import { supabaseCli } from "./db/migrations.ts";
import { localDatabaseUrl, localDatabaseUrlForCli, repoRoot } from "./paths.ts";
import { runCommand } from "./run_command.ts";
import {
  advisorsPassed,
  closingCounts,
  type CountedOutput,
  countsByKind,
  denoTestCounts,
  pgProveCounts,
  schemaLintPassed,
  type StepKind,
  type StepResult,
} from "./test_counts.ts";

const results: StepResult[] = [];
const deno = Deno.execPath();

/** Runs one step; a step that throws counts as one failure. Returns whether it failed nothing. */
async function step(
  name: string,
  run: () => Promise<CountedOutput>,
  kind: StepKind = "tests",
): Promise<boolean> {
  console.log(`\n== ${name}`);
  const started = performance.now();
  let outcome: CountedOutput;
  try {
    outcome = await run();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    outcome = { passed: 0, failed: 1, note: "threw, counted as 1 failed" };
  }
  if (outcome.note) console.log(`${name}: ${outcome.note}`);
  results.push({ name, kind, ...outcome, seconds: (performance.now() - started) / 1000 });
  return outcome.failed === 0;
}

/** A check: one result, passed when the command exits 0. */
function check(name: string, command: string, args: string[]): Promise<boolean> {
  return step(name, async () => {
    const result = await runCommand(command, args, { inherit: true, cwd: repoRoot });
    return result.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  }, "check");
}

/** A setup step: no result of its own; a failure is counted, and what needs it does not run. */
function setup(name: string, run: () => Promise<void>): Promise<boolean> {
  return step(name, async () => {
    await run();
    return { passed: 0, failed: 0 };
  }, "setup");
}

/** Runs a command with output shown live and also captured for parsing counts. */
async function teeCommand(command: string, args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(command, {
    args,
    cwd: repoRoot,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  const status = await child.status;
  return { code: status.code, text };
}

/** Runs `deno test` and reads its closing counts. */
async function denoTest(args: string[], env: Record<string, string> = {}) {
  const { code, text } = await teeCommand(deno, ["test", "-A", "--no-check", ...args], {
    TEST_DATABASE_URL: localDatabaseUrl,
    NO_COLOR: "1",
    ...env,
  });
  return denoTestCounts(text, code);
}

// The suites whose functions' database traffic runs a second time through the transaction
// pooler, as on a project with SYNC_DATABASE_URL set (README "Database connections").
const pooledSuites = [
  "supabase/functions/sync-entity/sync_entity_test.ts",
  "supabase/functions/sync-entity/crash_resume_test.ts",
  "supabase/functions/import-history/import_history_test.ts",
];

const onlyStatic = Deno.args.includes("--static");
const denoTestArgs = Deno.args.filter((a) => a !== "--static");

await check("format", deno, ["fmt", "--check"]);
await check("lint", deno, ["lint"]);
await check("type check", deno, ["check", "."]);
await check("assertions that can fail", deno, ["run", "-A", "dev/lint/assertions_main.ts"]);

const stackReady = !onlyStatic && await setup("local stack", async () => {
  // The browser tests drive Debian's Chromium and the pooled run PgBouncer; installed here like
  // the database packages.
  await ensureDebianPackages([chromiumRequirement, pgbouncerRequirement]);
  await startLocalDatabase();
  await startLocalPooler();
});

if (stackReady) {
  await step("deno test", () => denoTest(denoTestArgs));

  if (denoTestArgs.length === 0) {
    await step("deno test, functions through the pooler", async () => {
      const before = await poolerTransactions();
      const outcome = await denoTest(pooledSuites, { TEST_SYNC_DATABASE_URL: poolerUrl() });
      // Passing proves nothing unless the functions' transactions really went through it.
      const through = await poolerTransactions() - before;
      console.log(`${through} transactions went through the pooler`);
      return through > 0 ? outcome : { passed: outcome.passed, failed: outcome.failed + 1 };
    });
  }

  await step("pgTAP (pg_prove)", async () => {
    const { code, text } = await teeCommand("pg_prove", [
      "--dbname",
      localDatabaseUrl,
      "--ext",
      ".sql",
      "-r",
      "supabase/tests",
    ]);
    return pgProveCounts(text, code);
  });

  await step("supabase db advisors (security)", async () => {
    const result = await runCommand(supabaseCli, [
      "db",
      "advisors",
      "--db-url",
      localDatabaseUrlForCli,
      "--type",
      "security",
      "--level",
      "info",
      "--output-format",
      "json",
    ], { cwd: repoRoot });
    // Shown as the CLI gave it: the pass needs its explicit "No issues found" or "[]".
    console.log([result.stdout.trim(), result.stderr.trim()].filter(Boolean).join("\n"));
    return advisorsPassed(result) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  }, "check");

  await step("supabase db lint (product schemas)", async () => {
    const result = await runCommand(supabaseCli, [
      "db",
      "lint",
      "--db-url",
      localDatabaseUrlForCli,
      "--schema",
      "public,sync_private",
      "--level",
      "warning",
      "--fail-on",
      "warning",
    ], { cwd: repoRoot });
    console.log([result.stdout.trim(), result.stderr.trim()].filter(Boolean).join("\n"));
    return schemaLintPassed(result) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  }, "check");
}

console.log("\n== summary");
for (const r of results) {
  const counts = r.kind === "setup"
    ? (r.failed === 0 ? "done" : "failed (counted as 1 failed)").padEnd(22)
    : `${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(3)} failed`;
  console.log(
    `${r.failed === 0 ? "ok  " : "FAIL"} ${r.kind.padEnd(5)} ${r.name.padEnd(36)} ${counts}  ` +
      `${r.seconds.toFixed(1)}s${r.note ? `  (${r.note})` : ""}`,
  );
}
if (!onlyStatic && !stackReady) console.log("The database-backed suites did not run.");
console.log(countsByKind(results));
const { passed, failed } = closingCounts(results);
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
