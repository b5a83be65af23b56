// What counts as an assertion in the tests, and which expressions are fixed before a test runs.
// The tests assert with node:assert (`assert(...)`, `assert.ok(...)`, `assert.equal(...)`) and
// with helpers named for what they do (`assertRows`, `expectReject`, `checkAccess`,
// `compareWithSource`, `verifyTable`).
import ts from "typescript";

/** A helper's name says it checks: the verb, then nothing or a capital (`expected` is not one). */
const CHECKING_NAME = /^(assert|expect|check|compare|verify)(?![a-z])/;

/** node:assert methods that compare their first two arguments. */
const COMPARING_METHODS = new Set([
  "equal",
  "strictEqual",
  "deepEqual",
  "deepStrictEqual",
  "notEqual",
  "notStrictEqual",
  "notDeepEqual",
  "notDeepStrictEqual",
  "match",
  "doesNotMatch",
  "partialDeepStrictEqual",
]);

/** `assert(...)` or `assert.<method>(...)`: the node:assert import itself. */
export function isNodeAssertCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text === "assert";
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
    callee.expression.text === "assert";
}

/** node:assert, or a function or method whose name says it checks. */
export function isAssertionCall(call: ts.CallExpression): boolean {
  if (isNodeAssertCall(call)) return true;
  const name = calleeName(call);
  return name !== undefined && CHECKING_NAME.test(name);
}

/** `f` of `f(...)`, `m` of `x.y.m(...)`. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** `ok` for `assert(x)` and `assert.ok(x)`, the method name otherwise. */
export function assertMethod(call: ts.CallExpression): string {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : "ok";
}

export function comparesArguments(call: ts.CallExpression): boolean {
  return COMPARING_METHODS.has(assertMethod(call));
}

/** An expression whose value is written into the test: literals and what is made only of them. */
export function isConstant(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isConstant(node.expression);
  if (
    ts.isStringLiteral(node) || ts.isNumericLiteral(node) || ts.isBigIntLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) || ts.isRegularExpressionLiteral(node)
  ) return true;
  if (ts.isIdentifier(node)) return ["undefined", "NaN", "Infinity"].includes(node.text);
  switch (node.kind) {
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
      return true;
  }
  if (ts.isPrefixUnaryExpression(node)) return isConstant(node.operand);
  if (ts.isBinaryExpression(node)) return isConstant(node.left) && isConstant(node.right);
  if (ts.isTemplateExpression(node)) {
    return node.templateSpans.every((span) => isConstant(span.expression));
  }
  if (ts.isArrayLiteralExpression(node)) {
    return node.elements.every((e) => !ts.isSpreadElement(e) && isConstant(e));
  }
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every((p) =>
      ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && isConstant(p.initializer)
    );
  }
  return false;
}

/**
 * A truth value fixed however the code behaves: a constant (`true`, `1 === 1`) or a function.
 * A plain falsy literal (`assert(false)`, `assert.ok(0)`) fails on purpose, "must not get here",
 * and stays allowed.
 */
export function hasFixedOutcome(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return hasFixedOutcome(node.expression);
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return true;
  if (!isConstant(node)) return false;
  const falsy = node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(node) && node.text !== "Infinity") ||
    (ts.isNumericLiteral(node) && Number(node.text) === 0) ||
    ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.text === "");
  return !falsy;
}

/** The source text of an expression with whitespace and comments taken out, to compare two. */
export function normalizedText(node: ts.Node, source: ts.SourceFile): string {
  return node.getText(source).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, "");
}
