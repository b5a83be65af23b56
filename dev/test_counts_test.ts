import assert from "node:assert/strict";
import {
  advisorsPassed,
  closingCounts,
  countsByKind,
  denoTestCounts,
  pgProveCounts,
  schemaLintPassed,
  type StepResult,
} from "./test_counts.ts";

Deno.test("deno test: the closing count, steps left out; an exit without a failed test is one", () => {
  assert.deepEqual(denoTestCounts("x ... ok\n\nok | 12 passed (3 steps) | 0 failed (1s)\n", 0), {
    passed: 12,
    failed: 0,
  });
  assert.deepEqual(
    denoTestCounts("FAILED | 10 passed (2 steps) | 2 failed | 1 ignored (4s)\n", 1),
    { passed: 10, failed: 2 },
  );
  // A leak or a module that does not load: non-zero exit, no failed test in the count.
  assert.deepEqual(denoTestCounts("ok | 5 passed | 0 failed (1s)\nerror: leak\n", 1), {
    passed: 5,
    failed: 1,
    note: "exited with code 1, counted as 1 failed",
  });
  assert.deepEqual(denoTestCounts("error: Module not found\n", 1), {
    passed: 0,
    failed: 1,
    note: "no count in its output, 1 failed",
  });
  // Even exit code 0 with no count is not a pass.
  assert.equal(denoTestCounts("", 0).failed, 1);
});

Deno.test("pg_prove: every assertion a test, failures from its summary report", () => {
  const passing = "supabase/tests/a.sql .. ok\nAll tests successful.\n" +
    "Files=2, Tests=40,  1 wallclock secs\nResult: PASS\n";
  assert.deepEqual(pgProveCounts(passing, 0), { passed: 40, failed: 0 });
  const failing = "supabase/tests/a.sql .. Failed 2/10 subtests\n\nTest Summary Report\n" +
    "-------------------\nsupabase/tests/a.sql (Wstat: 0 Tests: 10 Failed: 2)\n" +
    "  Failed tests:  3, 5\nsupabase/tests/b.sql (Wstat: 0 Tests: 30 Failed: 1)\n" +
    "  Failed test:  7\nFiles=2, Tests=40,  1 wallclock secs\nResult: FAIL\n";
  assert.deepEqual(pgProveCounts(failing, 1), { passed: 37, failed: 3 });
  const badPlan = "Parse errors: Bad plan.  You planned 10 tests but ran 8.\nFiles=1, Tests=8\n";
  assert.deepEqual(pgProveCounts(badPlan, 1), {
    passed: 8,
    failed: 1,
    note: "exited with code 1, counted as 1 failed",
  });
  assert.equal(pgProveCounts("could not connect to server\n", 2).failed, 1);
});

Deno.test("advisors: only the CLI's explicit 'no issues' answer or an empty JSON array passes", () => {
  const run = (stdout: string, stderr = "", code = 0) => advisorsPassed({ code, stdout, stderr });
  assert.equal(run("", "No issues found\n"), true);
  assert.equal(run("[]\n"), true);
  assert.equal(run(" [ ] "), true);
  // What supabase 2.117 prints with --output-format json and nothing to report.
  const envelope = '{"results":[],"message":"db advisors"}\n';
  assert.equal(run(envelope, "Connecting to local database...\nNo issues found\n"), true);
  assert.equal(
    run('{"results":[{"name":"rls_disabled_in_public"}],"message":"db advisors"}'),
    false,
  );
  assert.equal(run('{"message":"db advisors"}'), false, "no results list is no answer");
  // Nothing at all, an issue, other text, or a failed command.
  assert.equal(run(""), false);
  assert.equal(run("", "Connecting to local database...\n"), false);
  assert.equal(
    run('[{"name":"rls_disabled_in_public","level":"ERROR"}]', "No issues found"),
    false,
  );
  assert.equal(run("No issues found"), false, "the answer belongs on stderr with empty stdout");
  assert.equal(run("{}"), false);
  assert.equal(run("", "No issues found\n", 1), false);
  assert.equal(run("", "Found 2 issues; No issues found in public"), false);
});

const step = (name: string, kind: StepResult["kind"], passed: number, failed: number) => ({
  name,
  kind,
  passed,
  failed,
  seconds: 1,
});

Deno.test("the closing line counts tests and checks, never a setup step as a pass", () => {
  const results: StepResult[] = [
    step("format", "check", 1, 0),
    step("lint", "check", 0, 1),
    step("local stack", "setup", 0, 0),
    step("deno test", "tests", 800, 2),
    step("pgTAP", "tests", 120, 0),
  ];
  assert.deepEqual(closingCounts(results), { passed: 921, failed: 3 });
  assert.equal(
    countsByKind(results),
    "tests: 920 passed, 2 failed; checks: 1 passed, 1 failed; " +
      "setup steps (not counted as passes): 1",
  );
  // A setup that failed: one failure, named, and nothing after it ran.
  const broken = [step("format", "check", 1, 0), step("local stack", "setup", 0, 1)];
  assert.deepEqual(closingCounts(broken), { passed: 1, failed: 1 });
  assert.match(countsByKind(broken), /failed: local stack$/);
});

Deno.test("schema lint: exit 0 and no issue on stdout", () => {
  assert.equal(schemaLintPassed({ code: 0, stdout: "" }), true);
  assert.equal(schemaLintPassed({ code: 0, stdout: "[]\n" }), true);
  assert.equal(schemaLintPassed({ code: 0, stdout: '{"results":[],"message":"db lint"}' }), true);
  assert.equal(schemaLintPassed({ code: 1, stdout: "" }), false);
  const warning = '[{"function":"public.f","issues":[{"level":"warning","message":"never read"}]}]';
  assert.equal(schemaLintPassed({ code: 0, stdout: warning }), false);
});
