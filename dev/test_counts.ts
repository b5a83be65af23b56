// How `npm test` (dev/test_all.ts) turns each step's output into counts. Only real results are
// counted: tests that ran, and checks (format, lint, type check, assertion audit, advisors, schema
// lint) that ran. A setup step (the local stack) is neither; when it fails, the steps that need
// it do not run, and the failure is counted so the closing line never reads "0 failed" after it.

export interface Counts {
  passed: number;
  failed: number;
}

/** "tests": each test a result; "check": one result; "setup": none, unless it failed. */
export type StepKind = "tests" | "check" | "setup";

export interface StepResult extends Counts {
  name: string;
  kind: StepKind;
  seconds: number;
  /** Why the counts are not plain results, e.g. a suite that exited without a count. */
  note?: string;
}

export interface CountedOutput extends Counts {
  note?: string;
}

/** A suite that exited non-zero with no failed test in its count failed some other way. */
function withExitCode(counts: Counts, code: number): CountedOutput {
  if (code === 0 || counts.failed > 0) return counts;
  return { ...counts, failed: 1, note: `exited with code ${code}, counted as 1 failed` };
}

/** deno test ends with "ok | 12 passed (3 steps) | 0 failed (1s)" (steps are not counted). */
export function denoTestCounts(output: string, code: number): CountedOutput {
  const summary = [...output.matchAll(/(\d+) passed[^|\n]*\| (\d+) failed/g)].at(-1);
  if (!summary) return { passed: 0, failed: 1, note: "no count in its output, 1 failed" };
  return withExitCode({ passed: Number(summary[1]), failed: Number(summary[2]) }, code);
}

/**
 * pg_prove ends with "Files=9, Tests=120, ..." and, per failing file, "(Wstat: 0 Tests: 10
 * Failed: 2)" in its summary report; every pgTAP assertion is a test.
 */
export function pgProveCounts(output: string, code: number): CountedOutput {
  const total = output.match(/Tests=(\d+)/);
  if (!total) return { passed: 0, failed: 1, note: "no count in its output, 1 failed" };
  const failed = [...output.matchAll(/Failed: (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return withExitCode({ passed: Number(total[1]) - failed, failed }, code);
}

/**
 * Whether a CLI's JSON answer lists no issue: an empty array, or the envelope
 * `--output-format json` prints, `{"results": [], "message": ...}`. Anything else is not.
 */
function isEmptyIssueList(stdout: string): boolean {
  try {
    const parsed = JSON.parse(stdout);
    const list = Array.isArray(parsed) ? parsed : parsed?.results;
    return Array.isArray(list) && list.length === 0;
  } catch {
    return false;
  }
}

/**
 * `supabase db advisors` passes only on its explicit answer: "No issues found" (on stderr, with
 * nothing on stdout) or an empty JSON list of issues on stdout. Any other output, nothing at all
 * included, fails.
 */
export function advisorsPassed(result: { code: number; stdout: string; stderr: string }): boolean {
  if (result.code !== 0) return false;
  const stdout = result.stdout.trim();
  if (stdout === "") return /^No issues found$/m.test(result.stderr);
  return isEmptyIssueList(stdout);
}

/**
 * `supabase db lint --fail-on warning` passes when it exits 0 with no issue on stdout (nothing,
 * or an empty JSON list); its progress lines go to stderr.
 */
export function schemaLintPassed(result: { code: number; stdout: string }): boolean {
  const stdout = result.stdout.trim();
  return result.code === 0 && (stdout === "" || isEmptyIssueList(stdout));
}

/** The closing line's counts: tests and checks; a failed setup step as one failure. */
export function closingCounts(results: readonly StepResult[]): Counts {
  return {
    passed: results.reduce((n, r) => n + (r.kind === "setup" ? 0 : r.passed), 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
  };
}

/** The counts by kind, for the line above the closing one. */
export function countsByKind(results: readonly StepResult[]): string {
  const of = (kind: StepKind) => {
    const mine = results.filter((r) => r.kind === kind);
    return {
      passed: mine.reduce((n, r) => n + r.passed, 0),
      failed: mine.reduce((n, r) => n + r.failed, 0),
    };
  };
  const tests = of("tests");
  const checks = of("check");
  const setups = results.filter((r) => r.kind === "setup");
  const failedSetups = setups.filter((r) => r.failed > 0).map((r) => r.name);
  return `tests: ${tests.passed} passed, ${tests.failed} failed; ` +
    `checks: ${checks.passed} passed, ${checks.failed} failed; ` +
    `setup steps (not counted as passes): ${setups.length}` +
    (failedSetups.length > 0 ? `, failed: ${failedSetups.join(", ")}` : "");
}
