// Finds import cycles among the source files under a folder. Every relative, literal module
// reference counts, type-only ones included: a cycle of types still makes the files circular
// for a reader. Imports that leave the folder or name a package are not followed.
import ts from "typescript";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listSourceFiles, parseSourceFile } from "./source_files.ts";

/** Files importing each other in a circle (a strongly connected component of the graph). */
export interface ImportCycle {
  /** The component's files, sorted. */
  files: string[];
  /** One walk through every file of the component along its imports, back to its start. */
  route: string[];
}

/** File -> the files it imports, sorted; only files of the graph. */
export type ImportGraph = Map<string, string[]>;

export async function findImportCycles(folder: string): Promise<ImportCycle[]> {
  return cyclesOf(await importGraph(await listSourceFiles(folder)));
}

export async function importGraph(files: string[]): Promise<ImportGraph> {
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const targets = referencedModules(await parseSourceFile(file))
      .filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"))
      .map((specifier) => fileURLToPath(new URL(specifier, pathToFileURL(file))))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * Every module a file names with a literal: `import`/`import type`, `export ... from`,
 * `import x = require()`, `import("x")` calls and `import("x").T` types.
 */
export function referencedModules(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const specifier = moduleSpecifierOf(node);
    if (specifier !== undefined) found.push(specifier);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function moduleSpecifierOf(node: ts.Node): string | undefined {
  let literal: ts.Node | undefined;
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
    literal = node.moduleSpecifier;
  } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    literal = node.arguments[0];
  } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
    literal = node.argument.literal;
  } else if (
    ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
  ) {
    literal = node.moduleReference.expression;
  }
  return literal && ts.isStringLiteralLike(literal) ? literal.text : undefined;
}

/** Components of more than one file, and files importing themselves, by first file. */
export function cyclesOf(graph: ImportGraph): ImportCycle[] {
  return stronglyConnectedComponents(graph)
    .filter((files) => files.length > 1 || graph.get(files[0])?.includes(files[0]))
    .map((files) => {
      const sorted = [...files].sort();
      return { files: sorted, route: routeThrough(graph, sorted) };
    })
    .sort((a, b) => a.files[0].localeCompare(b.files[0]));
}

/** Tarjan's algorithm. */
function stronglyConnectedComponents(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(target)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    components.push(component);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return components;
}

/** From the first file, each time to the nearest file not yet on the route, then home. */
function routeThrough(graph: ImportGraph, files: string[]): string[] {
  const members = new Set(files);
  const route = [files[0]];
  const unvisited = new Set(files.slice(1));
  const stepTo = (isGoal: (file: string) => boolean) => {
    for (const file of shortestPath(graph, members, route.at(-1)!, isGoal).slice(1)) {
      route.push(file);
      unvisited.delete(file);
    }
  };
  while (unvisited.size > 0) stepTo((file) => unvisited.has(file));
  stepTo((file) => file === files[0]);
  return route;
}

/** Breadth-first within `members`, at least one step long (so a file can reach itself). */
function shortestPath(
  graph: ImportGraph,
  members: Set<string>,
  from: string,
  isGoal: (file: string) => boolean,
): string[] {
  const previous = new Map<string, string>();
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of graph.get(file) ?? []) {
      if (!members.has(target) || previous.has(target)) continue;
      previous.set(target, file);
      if (!isGoal(target)) {
        queue.push(target);
        continue;
      }
      const path = [target];
      do path.unshift(previous.get(path[0])!); while (path[0] !== from);
      return path;
    }
  }
  throw new Error(`no import path from ${from} within its component`);
}
