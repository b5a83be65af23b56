// Which tests check something: an assertion call (assertion_calls.ts), a `throw`, or a call of
// a function of the same file that does one of these, however deep. Tests are `Deno.test` calls
// and `{ name, fn }` test definitions registered elsewhere (the chaos scenarios).
import ts from "typescript";
import { isAssertionCall } from "./assertion_calls.ts";

export interface UncheckedTest {
  /** The `Deno.test` call or the `{ name, fn }` definition. */
  node: ts.Node;
  /** The test's name as written, for the report. */
  label: string;
}

const ASSERTS_VIA = /\/\/ asserts-via: \S/;

/** Names of the file's own functions that check, directly or through each other. */
export function functionsThatCheck(source: ts.SourceFile): Set<string> {
  const bodies = new Map<string, ts.Node>();
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      bodies.set(node.name.text, node.body);
    } else if (
      ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    ) {
      bodies.set(node.name.text, node.initializer.body);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const checking = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, body] of bodies) {
      if (!checking.has(name) && checks(body, checking)) {
        checking.add(name);
        grew = true;
      }
    }
  }
  return checking;
}

/** Whether anything under the node asserts, throws or calls one of the checking functions. */
export function checks(node: ts.Node, checking: Set<string>): boolean {
  let found = false;
  const visit = (child: ts.Node) => {
    if (found) return;
    if (ts.isThrowStatement(child)) found = true;
    else if (ts.isCallExpression(child)) {
      const callee = child.expression;
      found = isAssertionCall(child) || (ts.isIdentifier(callee) && checking.has(callee.text));
    }
    if (!found) ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** Tests whose function checks nothing and that name no `// asserts-via:` helper. */
export function testsWithoutAssertion(
  source: ts.SourceFile,
  checking: Set<string>,
): UncheckedTest[] {
  const found: UncheckedTest[] = [];
  const visit = (node: ts.Node) => {
    const isTest = (ts.isCallExpression(node) && isDenoTest(node)) ||
      (ts.isObjectLiteralExpression(node) && isTestDefinition(node));
    if (isTest) {
      const body = testFunction(node);
      // `fn: helper` names a function of the file; its body is what runs.
      const checked = body !== undefined &&
        (ts.isIdentifier(body) ? checking.has(body.text) : checks(body, checking));
      if (body !== undefined && !checked && !namesHelper(node, source)) {
        found.push({ node, label: testLabel(node, source) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `{ name: ..., fn() {...} }` not written straight into `Deno.test(...)` (that call counts). */
function isTestDefinition(object: ts.ObjectLiteralExpression): boolean {
  const parent = object.parent;
  if (ts.isCallExpression(parent) && isDenoTest(parent)) return false;
  return object.properties.some((p) => p.name?.getText() === "name") &&
    testFunction(object) !== undefined;
}

function isDenoTest(call: ts.CallExpression): boolean {
  const text = call.expression.getText().replace(/\s+/g, "");
  return text === "Deno.test" || text === "Deno.test.only";
}

/** The function argument, or the `fn` of a `{ name, fn }` argument or definition. */
function testFunction(test: ts.CallExpression | ts.ObjectLiteralExpression): ts.Node | undefined {
  const parts = ts.isCallExpression(test) ? [...test.arguments].reverse() : [test];
  for (const argument of parts) {
    if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) return argument;
    if (ts.isObjectLiteralExpression(argument)) {
      for (const property of argument.properties) {
        if (property.name?.getText() !== "fn") continue;
        if (ts.isMethodDeclaration(property)) return property;
        if (ts.isPropertyAssignment(property)) return property.initializer;
      }
    }
  }
  return undefined;
}

/** An `// asserts-via:` comment on the line above the test or anywhere in it. */
function namesHelper(test: ts.Node, source: ts.SourceFile): boolean {
  const start = source.getLineAndCharacterOfPosition(test.getStart(source)).line;
  const end = source.getLineAndCharacterOfPosition(test.getEnd()).line;
  const lines = source.text.split(/\r?\n/).slice(Math.max(0, start - 1), end + 1);
  return lines.some((line) => ASSERTS_VIA.test(line));
}

function testLabel(test: ts.CallExpression | ts.ObjectLiteralExpression, source: ts.SourceFile) {
  const first = ts.isCallExpression(test) ? test.arguments[0] : test;
  if (first === undefined) return "(no name)";
  if (ts.isStringLiteralLike(first)) return JSON.stringify(first.text);
  if (ts.isObjectLiteralExpression(first)) {
    const name = first.properties.find((p) => p.name?.getText() === "name");
    if (name && ts.isPropertyAssignment(name)) return name.initializer.getText(source);
  }
  return first.getText(source).replace(/\s+/g, " ").slice(0, 60);
}
