import assert from "node:assert/strict";
import ts from "typescript";
import { join } from "../path_helpers.ts";
import { auditSource } from "./assertion_audit.ts";
import { assertionAuditLines, auditedFiles } from "./assertion_report.ts";

/** `[line, rule]` of each finding in a sample test file. */
function findingsIn(text: string): [number, string][] {
  const source = ts.createSourceFile("sample_test.ts", text, ts.ScriptTarget.Latest, true);
  return auditSource(source).map(({ line, rule }) => [line, rule]);
}

/** One statement per line inside one test that also asserts something real. */
function inTest(...statements: string[]): string {
  return [`Deno.test("t", async () => {`, ...statements.map((s) => `  ${s}`), `});`].join("\n");
}

/** The 1-based lines (in `inTest`) of the statements flagged with the rule. */
function linesFlagged(rule: string, ...statements: string[]): number[] {
  return findingsIn(inTest(...statements)).filter(([, r]) => r === rule).map(([line]) => line);
}

Deno.test("assertion audit: constant outcomes are flagged", () => {
  const flagged = [
    "assert(true);",
    'assert.ok("yes", "always");',
    "assert.ok(1 === 1);",
    "assert.ok([]);",
    "assert.ok(() => rows.length);",
    "assert.ok(rows.length === rows.length);",
    "assert.equal(rows.length, rows .length);",
    "assert.deepEqual({ a: 1 }, { a: 1 });",
    "assert.strictEqual(`x${1}`, 'x1');",
    'assert.match("abc", /b/);',
  ];
  assert.deepEqual(linesFlagged("constant-assertion", ...flagged), [
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
  ]);
});

Deno.test("assertion audit: assertions on the code's values are not constant", () => {
  const fair = [
    "assert(rows.length > 0);",
    "assert.ok(reply.ok, 'the reply');",
    "assert.equal(rows.length, 3);",
    "assert.deepEqual(rows, [{ a: 1 }]);",
    "assert.equal(a.length, b.length);",
    "assert.match(text, /b/);",
    'assert(false, "must not get here");',
    "assert.ok(0);",
    "assert.fail('unreachable');",
    "assert.throws(() => { throw new Error('x'); });",
  ];
  assert.deepEqual(findingsIn(inTest(...fair)), []);
});

Deno.test("assertion audit: a test that checks nothing is flagged, helpers and throws count", () => {
  const text = [
    'import { compareWithSource } from "./compare.ts";',
    "function assertShape(x: unknown) { if (!x) throw new Error('no'); }",
    "const loadAndCheck = async () => { assertShape(await load()); };",
    "function onlyLoads() { return load(); }",
    'Deno.test("nothing", async () => { await onlyLoads(); });',
    'Deno.test("direct", () => { assert.equal(f(), 1); });',
    'Deno.test("helper of the file, two deep", async () => { await loadAndCheck(); });',
    'Deno.test("imported helper", async () => { await compareWithSource(); });',
    'Deno.test("throws", () => { if (f() !== 1) throw new Error("f"); });',
    'Deno.test("in a step", async (t) => { await t.step("s", () => assert.ok(f())); });',
    'Deno.test({ name: "object form", fn() { onlyLoads(); } });',
    'Deno.test({ name: "object arrow", fn: () => { expectReject(f); } });',
    "// asserts-via: runScenario (its steps assert)",
    'Deno.test("declared helper", async () => { await runScenario(); });',
    'Deno.test("expected is not expect", () => { expectedRows(); });',
    'export const quiet: Deno.TestDefinition = { name: "scenario", async fn() { await onlyLoads(); } };',
    'export const loud = { name: "scenario 2", fn: async () => { await loadAndCheck(); } };',
    'const byName = { name: "scenario 3", fn: loadAndCheck };',
    'const notATest = { name: "data", value: 1 };',
  ].join("\n");
  assert.deepEqual(findingsIn(text), [
    [5, "no-assertion"],
    [11, "no-assertion"],
    [15, "no-assertion"],
    [16, "no-assertion"],
  ]);
});

Deno.test("assertion audit: every() needs a check that the list is not empty", () => {
  assert.deepEqual(
    linesFlagged(
      "unguarded-every",
      "assert.ok(rows.every((r) => r.ok));",
      "assert.ok(load().every((r) => r.ok), 'a call');",
      "assertAll(items.every((r) => r.ok));",
      "assert.deepEqual(lines.filter((l) => l.ok), []);",
      "assert.ok(lines.every((l) => l.ok));",
    ),
    [2, 3, 4, 6],
  );
  const guarded = [
    "assert.ok(rows.length > 0 && rows.every((r) => r.ok));",
    "assert.equal(sales.length, 3);",
    "const unrelated = 1;",
    "assert.ok(sales.every((s) => s.lines.every((l) => l.ok)));",
    "if (tags.size === 0) throw new Error('none');",
    "assert.ok(tags.every((t) => t));",
    "assert.ok([1, 2].every((n) => n > 0));",
    "assert.deepEqual(replies.map((r) => r.id), [1, 2]);",
    "assert.ok(replies.every((r) => r.ok));",
    "const allDone = rows.every((r) => r.done);",
  ];
  assert.deepEqual(findingsIn(inTest(...guarded)), []);
});

Deno.test("assertion audit: a count or duration at least zero is always true", () => {
  assert.deepEqual(
    linesFlagged(
      "always-true-bound",
      "assert.ok(readCpuMs(Deno.pid) >= 0);",
      "assert.ok(rows.length >= 0);",
      "assert(0 <= stats.elapsedMs, 'time');",
      "assert.ok(ok && await countRows() > -1);",
      "assert.ok(tags.size >= 0);",
    ),
    [2, 3, 4, 5, 6],
  );
  const fair = [
    "assert.ok(balance >= 0);",
    "assert.ok(overflow <= 0);",
    "assert.ok(rows.length >= 1);",
    "assert.ok(stats.served >= 0.9 * most);",
    "const nonNegative = rows.length >= 0;",
  ];
  assert.deepEqual(findingsIn(inTest("assert.ok(nonNegative === true || f());", ...fair)), []);
});

Deno.test("assertion audit: swallowed errors are flagged outside finally blocks", () => {
  assert.deepEqual(
    linesFlagged(
      "swallowed-error",
      "await waitFor(done).catch(() => {});",
      "await stop().catch(() => undefined);",
      "await stop().catch(function () {});",
      "try { await f(); } catch { }",
      "const settled = await f().then(() => true, () => false);",
      "assert.ok(f());",
    ),
    [2, 3, 4, 5, 6],
  );
  const fair = [
    "const error = await f().catch((e) => e);",
    "await f().catch((e) => console.error(e));",
    "const outcome = await f().then(() => null, (error) => error);",
    "await f().then(() => {});",
    "try { await f(); } catch (error) { assert.match(String(error), /x/); }",
    "try { await f(); } finally { await stop().catch(() => {}); }",
    "try { await f(); } finally { try { await stop(); } catch { } }",
  ];
  assert.deepEqual(findingsIn(inTest(...fair)), []);
});

Deno.test("assertion audit: an allow comment with a reason excuses its own rule only", () => {
  const text = inTest(
    "// audit-allow: swallowed-error the page may close the dialog first",
    "dialog.dismiss().catch(() => {});",
    "stop().catch(() => {}); // audit-allow: swallowed-error killed on purpose",
    "// audit-allow: swallowed-error",
    "late().catch(() => {});",
    "// audit-allow: constant-assertion wrong rule named",
    "other().catch(() => {});",
    "// audit-allow: unguarded-every the list is built above with three rows",
    "assert.ok(",
    "  rows.every((r) => r.ok),",
    ");",
  );
  assert.deepEqual(findingsIn(text), [[6, "swallowed-error"], [8, "swallowed-error"]]);
});

Deno.test("assertion audit: reads *_test.ts everywhere and chaos scenarios, with file:line", async () => {
  const root = await Deno.makeTempDir({ prefix: "assertion_audit_test_" });
  try {
    for (const folder of ["chaos", "lib", "node_modules/dep"]) {
      await Deno.mkdir(join(root, folder), { recursive: true });
    }
    const bad = 'Deno.test("t", () => {\n  assert(true);\n});\n';
    await Deno.writeTextFile(join(root, "lib", "a_test.ts"), bad);
    await Deno.writeTextFile(join(root, "lib", "a.ts"), bad);
    await Deno.writeTextFile(join(root, "chaos", "storm.ts"), "await f().catch(() => {});\n");
    await Deno.writeTextFile(join(root, "node_modules", "dep", "x_test.ts"), bad);
    assert.deepEqual(await auditedFiles(root), [
      join(root, "chaos", "storm.ts"),
      join(root, "lib", "a_test.ts"),
    ]);
    assert.deepEqual(await assertionAuditLines(root), [
      "chaos/storm.ts:1 swallowed-error: f().catch(() => {}) hides the error",
      "lib/a_test.ts:2 constant-assertion: assert(true) of a constant",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
