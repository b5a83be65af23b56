// Finds functions longer than a screen. A function may be longer when the line just above it,
// or above the statement or declaration holding it, says why: `// long-function: <reason>`.
import ts from "typescript";
import { lineOf, listSourceFiles, parseSourceFile } from "./source_files.ts";

export const MAX_FUNCTION_LINES = 60;

export interface LongFunction {
  file: string;
  /** Its name, or what it is passed to (e.g. `Deno.test("...") callback`). */
  name: string;
  /** 1-based lines of its first and last character. */
  startLine: number;
  endLine: number;
  lines: number;
}

const REASON = /^\/\/ long-function:\s*\S/;

export async function findLongFunctions(
  folder: string,
  maxLines = MAX_FUNCTION_LINES,
): Promise<LongFunction[]> {
  const found: LongFunction[] = [];
  for (const file of await listSourceFiles(folder)) {
    found.push(...longFunctionsIn(await parseSourceFile(file), maxLines));
  }
  return found;
}

/** Functions of the file over `maxLines` lines (start to end, inclusive) without a reason. */
export function longFunctionsIn(source: ts.SourceFile, maxLines: number): LongFunction[] {
  const lines = source.text.split(/\r?\n/);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (isMeasuredFunction(node)) {
      const startLine = lineOf(source, node.getStart(source));
      const endLine = lineOf(source, node.getEnd());
      const length = endLine - startLine + 1;
      if (length > maxLines && !hasStatedReason(node, source, lines)) {
        found.push({
          file: source.fileName,
          name: nameOf(node),
          startLine,
          endLine,
          lines: length,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Functions with a body: declarations, expressions, block-bodied arrows, class members. */
function isMeasuredFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  if (ts.isArrowFunction(node)) return ts.isBlock(node.body);
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) ||
    ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) || ts.isConstructorDeclaration(node)) &&
    node.body !== undefined;
}

/** The reason comment sits above the function or above any node up to its statement. */
function hasStatedReason(node: ts.Node, source: ts.SourceFile, lines: string[]): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    const lineAbove = lines[lineOf(source, current.getStart(source)) - 2];
    if (lineAbove !== undefined && REASON.test(lineAbove.trim())) return true;
    if (isStatementOrMember(current)) return false;
  }
  return false;
}

function isStatementOrMember(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isSourceFile(parent) || ts.isBlock(parent) || ts.isModuleBlock(parent) ||
    ts.isCaseOrDefaultClause(parent) || ts.isClassElement(node) ||
    ts.isObjectLiteralElementLike(node);
}

function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  const own = node.name?.getText() ?? assignedName(node);
  if (own !== undefined) {
    const object = ts.isPropertyAssignment(parent) ? parent.parent : parent;
    const label = ts.isObjectLiteralExpression(object) ? testName(object) : undefined;
    return label === undefined ? own : `${own} of ${JSON.stringify(label)}`;
  }
  if (ts.isCallExpression(parent)) {
    const label = parent.arguments.find(ts.isStringLiteralLike);
    const callee = parent.expression.getText().replace(/\s+/g, " ").slice(0, 60);
    return `${callee}(${label ? JSON.stringify(label.text) : ""}) callback`;
  }
  return "(anonymous function)";
}

/** The name a function expression is assigned to, if any. */
function assignedName(node: ts.FunctionLikeDeclaration): string | undefined {
  const parent = node.parent;
  const assigned = (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)) && parent.initializer === node;
  return assigned ? parent.name.getText() : undefined;
}

/** `name: "..."` of an object such as `Deno.test({ name, fn })`, to tell its `fn` apart. */
function testName(object: ts.ObjectLiteralExpression): string | undefined {
  for (const property of object.properties) {
    if (
      ts.isPropertyAssignment(property) && property.name.getText() === "name" &&
      ts.isStringLiteralLike(property.initializer)
    ) {
      return property.initializer.text;
    }
  }
  return undefined;
}
