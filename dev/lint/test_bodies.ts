// Which `Deno.test` bodies check something: an assertion call (assertion_calls.ts), a `throw`,
// or a call of a function of the same file that does one of these, however deep.
import ts from "typescript";
import { isAssertionCall } from "./assertion_calls.ts";

export interface UncheckedTest {
  call: ts.CallExpression;
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

/** `Deno.test` calls whose function checks nothing and says no `// asserts-via:` helper. */
export function testsWithoutAssertion(
  source: ts.SourceFile,
  checking: Set<string>,
): UncheckedTest[] {
  const found: UncheckedTest[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && isDenoTest(node)) {
      const body = testFunction(node);
      if (body !== undefined && !checks(body, checking) && !namesHelper(node, source)) {
        found.push({ call: node, label: testLabel(node, source) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isDenoTest(call: ts.CallExpression): boolean {
  const text = call.expression.getText().replace(/\s+/g, "");
  return text === "Deno.test" || text === "Deno.test.only";
}

/** The function argument, or the `fn` of a `{ name, fn }` argument. */
function testFunction(call: ts.CallExpression): ts.Node | undefined {
  for (const argument of [...call.arguments].reverse()) {
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
function namesHelper(call: ts.CallExpression, source: ts.SourceFile): boolean {
  const start = source.getLineAndCharacterOfPosition(call.getStart(source)).line;
  const end = source.getLineAndCharacterOfPosition(call.getEnd()).line;
  const lines = source.text.split(/\r?\n/).slice(Math.max(0, start - 1), end + 1);
  return lines.some((line) => ASSERTS_VIA.test(line));
}

function testLabel(call: ts.CallExpression, source: ts.SourceFile): string {
  const first = call.arguments[0];
  if (first === undefined) return "(no name)";
  if (ts.isStringLiteralLike(first)) return JSON.stringify(first.text);
  if (ts.isObjectLiteralExpression(first)) {
    const name = first.properties.find((p) => p.name?.getText() === "name");
    if (name && ts.isPropertyAssignment(name)) return name.initializer.getText(source);
  }
  return first.getText(source).replace(/\s+/g, " ").slice(0, 60);
}
