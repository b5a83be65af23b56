// Finds assertions in the tests that cannot fail (CONTRIBUTING.md "Assertions that can fail"):
//   constant-assertion  the outcome is written into the test: `assert(true)`, `assert.equal(x, x)`,
//                       two literals compared
//   no-assertion        a `Deno.test` (or `{ name, fn }` test definition) whose body checks
//                       nothing, directly or through a helper
//   unguarded-every     `assert.ok(rows.every(...))` with no check that `rows` is not empty
//   always-true-bound   `assert.ok(count >= 0)` on a count, size or duration
//   swallowed-error     `.catch(() => {})`, `.then(f, () => {})` or an empty `catch {}` outside
//                       a `finally` block
// A finding that is not one says why on its line or the line above its statement:
// `// audit-allow: <rule> <reason>`; a test that checks through a helper with another kind of
// name says `// asserts-via: <helper>`.
import ts from "typescript";
import {
  assertMethod,
  comparesArguments,
  hasFixedOutcome,
  isAssertionCall,
  isConstant,
  isNodeAssertCall,
  normalizedText,
} from "./assertion_calls.ts";
import { lineOf } from "./source_files.ts";
import { functionsThatCheck, testsWithoutAssertion } from "./test_bodies.ts";

export type AuditRule =
  | "constant-assertion"
  | "no-assertion"
  | "unguarded-every"
  | "always-true-bound"
  | "swallowed-error";

export interface AuditFinding {
  file: string;
  /** 1-based line of what is flagged. */
  line: number;
  rule: AuditRule;
  message: string;
}

/** Every finding in one test or chaos scenario file, allowed ones left out. */
export function auditSource(source: ts.SourceFile): AuditFinding[] {
  const found: AuditFinding[] = [];
  const report = (node: ts.Node, rule: AuditRule, message: string) => {
    if (!isAllowed(node, source, rule)) {
      found.push({
        file: source.fileName,
        line: lineOf(source, node.getStart(source)),
        rule,
        message,
      });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      if (isNodeAssertCall(node)) {
        constantAssertion(node, source, report);
        alwaysTrueBounds(node, source, report);
      }
      if (isAssertionCall(node)) unguardedEvery(node, source, report);
      swallowingCatchCall(node, source, report);
    }
    if (ts.isCatchClause(node) && node.block.statements.length === 0 && !inFinally(node)) {
      report(node, "swallowed-error", "an empty catch block hides the error");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const checking = functionsThatCheck(source);
  for (const test of testsWithoutAssertion(source, checking)) {
    report(test.node, "no-assertion", `test ${test.label} asserts nothing`);
  }
  return found.sort((a, b) => a.line - b.line);
}

type Report = (node: ts.Node, rule: AuditRule, message: string) => void;

function constantAssertion(call: ts.CallExpression, source: ts.SourceFile, report: Report) {
  const [first, second] = call.arguments;
  if (first === undefined) return;
  const method = assertMethod(call);
  if (method === "ok") {
    if (hasFixedOutcome(first)) {
      report(call, "constant-assertion", `${callText(call, source)} of a constant`);
    } else if (comparesItself(first, source)) {
      report(
        call,
        "constant-assertion",
        `${callText(call, source)} compares an expression with itself`,
      );
    }
  } else if (comparesArguments(call) && second !== undefined) {
    if (isConstant(first) && isConstant(second)) {
      report(call, "constant-assertion", `${callText(call, source)} compares two constants`);
    } else if (normalizedText(first, source) === normalizedText(second, source)) {
      report(
        call,
        "constant-assertion",
        `${callText(call, source)} compares an expression with itself`,
      );
    }
  }
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

function comparesItself(node: ts.Expression, source: ts.SourceFile): boolean {
  if (ts.isParenthesizedExpression(node)) return comparesItself(node.expression, source);
  return ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind) &&
    normalizedText(node.left, source) === normalizedText(node.right, source);
}

/** Words of a name that say it cannot be negative: `rows.length`, `elapsedMs`, `readCpuMs()`. */
const NEVER_NEGATIVE = new Set([
  "length",
  "size",
  "count",
  "counts",
  "total",
  "ms",
  "millis",
  "seconds",
  "secs",
  "duration",
  "elapsed",
  "cpu",
  "bytes",
  "calls",
  "attempts",
  "retries",
  "rows",
  "records",
  "pages",
  "requests",
]);

function alwaysTrueBounds(call: ts.CallExpression, source: ts.SourceFile, report: Report) {
  const visit = (node: ts.Node) => {
    if (ts.isBinaryExpression(node)) {
      const subject = boundSubject(node);
      if (subject !== undefined && neverNegative(subject)) {
        report(
          node,
          "always-true-bound",
          `${node.getText(source)} holds for any count or duration`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  call.arguments.forEach(visit);
}

/** `x` of `x >= 0`, `0 <= x`, `x > -1`, `-1 < x`. */
function boundSubject(node: ts.BinaryExpression): ts.Expression | undefined {
  const kind = node.operatorToken.kind;
  const isNumber = (e: ts.Expression, text: string) => e.getText().replace(/\s+/g, "") === text;
  if (kind === ts.SyntaxKind.GreaterThanEqualsToken && isNumber(node.right, "0")) return node.left;
  if (kind === ts.SyntaxKind.LessThanEqualsToken && isNumber(node.left, "0")) return node.right;
  if (kind === ts.SyntaxKind.GreaterThanToken && isNumber(node.right, "-1")) return node.left;
  if (kind === ts.SyntaxKind.LessThanToken && isNumber(node.left, "-1")) return node.right;
  return undefined;
}

function neverNegative(node: ts.Expression): boolean {
  let subject: ts.Expression = node;
  while (
    ts.isParenthesizedExpression(subject) || ts.isNonNullExpression(subject) ||
    ts.isAsExpression(subject) || ts.isAwaitExpression(subject)
  ) subject = subject.expression;
  if (ts.isCallExpression(subject)) subject = subject.expression;
  const name = ts.isIdentifier(subject)
    ? subject.text
    : ts.isPropertyAccessExpression(subject)
    ? subject.name.text
    : undefined;
  if (name === undefined) return false;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[\s_]+/);
  return words.some((word) => NEVER_NEGATIVE.has(word));
}

/** `.every(...)` in an assertion is true of an empty list: something must show it is not empty. */
function unguardedEvery(call: ts.CallExpression, source: ts.SourceFile, report: Report) {
  const visit = (node: ts.Node) => {
    // Inside a callback, `.every` runs per element; the outer one is what needs the guard.
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return;
    if (
      ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "every"
    ) {
      const list = node.expression.expression;
      if (!isNonEmptyLiteral(list) && !isGuarded(list, call, source)) {
        report(
          node,
          "unguarded-every",
          `${list.getText(source)}.every(...) also holds for an empty list; check its length too`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  call.arguments.forEach(visit);
}

function isNonEmptyLiteral(node: ts.Expression): boolean {
  return ts.isArrayLiteralExpression(node) && node.elements.length > 0;
}

/**
 * The list's `.length` or `.size` appears in the same assertion, on the line before it, or in
 * an earlier assertion of the same function; or an earlier assertion compares the list itself,
 * or its `.map(...)`, with a value (which pins its length).
 */
function isGuarded(list: ts.Expression, call: ts.CallExpression, source: ts.SourceFile): boolean {
  const name = normalizedText(list, source);
  const guards = [`${name}.length`, `${name}.size`];
  const mentions = (text: string) => guards.some((guard) => text.includes(guard));
  if (mentions(normalizedText(call, source))) return true;
  const lineBefore = source.text.split(/\r?\n/)[lineOf(source, call.getStart(source)) - 2] ?? "";
  if (mentions(lineBefore.replace(/\s+/g, ""))) return true;
  return earlierAssertions(call, source).some((earlier) =>
    mentions(normalizedText(earlier, source)) || comparesWhole(earlier, name, source)
  );
}

/** `assert.deepEqual(list, ...)` or `assert.deepEqual(list.map(...), ...)`. */
function comparesWhole(call: ts.CallExpression, name: string, source: ts.SourceFile): boolean {
  if (!isNodeAssertCall(call) || !comparesArguments(call)) return false;
  return call.arguments.slice(0, 2).some((argument) => {
    const text = normalizedText(argument, source);
    return text === name || text.startsWith(`${name}.map(`);
  });
}

function earlierAssertions(call: ts.CallExpression, source: ts.SourceFile): ts.CallExpression[] {
  let scope: ts.Node = call.parent;
  while (!ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node) => {
    if (node.getStart(source) >= call.getStart(source)) return;
    if (ts.isCallExpression(node) && isAssertionCall(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(scope, visit);
  return found;
}

/** `.catch(() => {})`, `.catch(() => undefined)`, `.then(f, () => {})`: the rejection disappears. */
function swallowingCatchCall(call: ts.CallExpression, source: ts.SourceFile, report: Report) {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return;
  const method = callee.name.text;
  const handler = method === "catch"
    ? call.arguments[0]
    : method === "then"
    ? call.arguments[1]
    : undefined;
  if (handler !== undefined && ignoresItsArgument(handler) && !inFinally(call)) {
    report(call, "swallowed-error", `${callText(call, source)} hides the error`);
  }
}

/** A function with an empty body, or one that returns a constant. */
function ignoresItsArgument(handler: ts.Expression): boolean {
  if (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler)) return false;
  const body = handler.body;
  return ts.isBlock(body)
    ? body.statements.length === 0
    : isConstant(body) || ts.isVoidExpression(body);
}

/** Clean-up in a `finally` may ignore its own failure: throwing there would hide the test's. */
function inFinally(node: ts.Node): boolean {
  for (let current = node; !ts.isSourceFile(current); current = current.parent) {
    const parent = current.parent;
    if (ts.isTryStatement(parent) && parent.finallyBlock === current) return true;
  }
  return false;
}

const ALLOW = /\/\/ audit-allow: ([a-z-]+)\s+\S/;

/** An allow comment for the rule on the node's line, or above it or above its statement. */
function isAllowed(node: ts.Node, source: ts.SourceFile, rule: AuditRule): boolean {
  const lines = source.text.split(/\r?\n/);
  const allows = (line: number) => {
    const match = ALLOW.exec(lines[line - 1] ?? "");
    return match !== null && match[1] === rule;
  };
  if (allows(lineOf(source, node.getStart(source)))) return true;
  for (let current: ts.Node = node; !ts.isSourceFile(current); current = current.parent) {
    if (allows(lineOf(source, current.getStart(source)) - 1)) return true;
    if (ts.isBlock(current.parent) || ts.isSourceFile(current.parent)) return false;
  }
  return false;
}

function callText(call: ts.CallExpression, source: ts.SourceFile): string {
  const text = call.getText(source).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
