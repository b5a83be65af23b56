// deno task test: every check the project has, in one command, with one closing count.
// Order: cheap static checks first, then the database-backed suites against the local stack.
import { startLocalDatabase } from "./db/main.ts";
import { chromiumRequirement, ensureDebianPackages } from "./db/system_packages.ts";
import { supabaseCli } from "./db/migrations.ts";
import { localDatabaseUrl, localDatabaseUrlForCli, repoRoot } from "./paths.ts";
import { runCommand } from "./run_command.ts";

interface StepResult {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
}

const results: StepResult[] = [];
const deno = Deno.execPath();

async function step(
  name: string,
  run: () => Promise<{ passed: number; failed: number }>,
): Promise<void> {
  console.log(`\n== ${name}`);
  const started = performance.now();
  let outcome: { passed: number; failed: number };
  try {
    outcome = await run();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    outcome = { passed: 0, failed: 1 };
  }
  results.push({ name, ...outcome, seconds: (performance.now() - started) / 1000 });
}

async function passFail(
  command: string,
  args: string[],
): Promise<{ passed: number; failed: number }> {
  const result = await runCommand(command, args, { inherit: true, cwd: repoRoot });
  return result.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
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

const onlyStatic = Deno.args.includes("--static");
const denoTestArgs = Deno.args.filter((a) => a !== "--static");

await step("format", () => passFail(deno, ["fmt", "--check"]));
await step("lint", () => passFail(deno, ["lint"]));
await step("type check", () => passFail(deno, ["check", "."]));

if (!onlyStatic) {
  await step("local stack", async () => {
    // The browser tests drive Debian's Chromium; installed here like the database packages.
    await ensureDebianPackages([chromiumRequirement]);
    await startLocalDatabase();
    return { passed: 1, failed: 0 };
  });

  await step("deno test", async () => {
    const { code, text } = await teeCommand(deno, [
      "test",
      "-A",
      "--no-check",
      ...denoTestArgs,
    ], { TEST_DATABASE_URL: localDatabaseUrl, NO_COLOR: "1" });
    // deno prints "ok | 12 passed (3 steps) | 0 failed (1s)" at the end.
    const match = text.match(/(\d+) passed[^|]*\| (\d+) failed/g)?.at(-1)?.match(
      /(\d+) passed[^|]*\| (\d+) failed/,
    );
    if (!match) return { passed: 0, failed: code === 0 ? 1 : Math.max(1, 0) };
    const passed = Number(match[1]);
    const failed = Number(match[2]) + (code !== 0 && Number(match[2]) === 0 ? 1 : 0);
    return { passed, failed };
  });

  await step("pgTAP (pg_prove)", async () => {
    const { code, text } = await teeCommand("pg_prove", [
      "--dbname",
      localDatabaseUrl,
      "--ext",
      ".sql",
      "-r",
      "supabase/tests",
    ]);
    const total = Number(text.match(/Tests=(\d+)/)?.[1] ?? 0);
    const failedMatch = [...text.matchAll(/Failed: (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    const failed = failedMatch + (code !== 0 && failedMatch === 0 ? 1 : 0);
    return { passed: total - failedMatch, failed };
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
    const output = result.stdout.trim();
    if (result.code !== 0) {
      console.error(result.stderr);
      return { passed: 0, failed: 1 };
    }
    if (output === "" || /No issues found/i.test(output + result.stderr)) {
      console.log("No issues found");
      return { passed: 1, failed: 0 };
    }
    console.log(output);
    return { passed: 0, failed: 1 };
  });

  await step("supabase db lint (product schemas)", async () => {
    const result = await runCommand(supabaseCli, [
      "db",
      "lint",
      "--db-url",
      localDatabaseUrlForCli,
      "--schema",
      "public,sync_private",
      "--level",
      "error",
      "--fail-on",
      "error",
    ], { cwd: repoRoot });
    const text = (result.stdout + result.stderr).trim();
    console.log(text || "No schema errors found");
    return result.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  });
}

console.log("\n== summary");
for (const r of results) {
  console.log(
    `${r.failed === 0 ? "ok  " : "FAIL"} ${r.name.padEnd(36)} ${
      String(r.passed).padStart(5)
    } passed ` +
      `${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)}s`,
  );
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
