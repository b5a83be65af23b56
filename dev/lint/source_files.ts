// The JavaScript/TypeScript sources under a folder, parsed into syntax trees. The structure
// checks use the TypeScript compiler API (npm:typescript, pinned in deno.json) rather than a
// Deno lint plugin: one parser serves both checks and hands back data the tests can assert on.
import ts from "typescript";
import { join } from "../path_helpers.ts";

const sourceExtensions = [".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs"];
/** Installed packages, build output and state folders are not the project's code. */
const skippedFolders = new Set(["node_modules", "dist", "test-artifacts"]);

/** Every source file under `folder` (absolute path), sorted; hidden folders are skipped. */
export async function listSourceFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) {
      if (!entry.name.startsWith(".") && !skippedFolders.has(entry.name)) {
        files.push(...await listSourceFiles(path));
      }
    } else if (entry.isFile && sourceExtensions.some((ext) => entry.name.endsWith(ext))) {
      files.push(path);
    }
  }
  return files.sort();
}

/** The file's syntax tree, with parent links (the checks walk upwards too). */
export async function parseSourceFile(path: string): Promise<ts.SourceFile> {
  const text = await Deno.readTextFile(path);
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindOf(path));
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (path.endsWith(".jsx")) return ts.ScriptKind.JSX;
  if (path.endsWith(".js") || path.endsWith(".mjs")) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** 1-based line of a position in the file. */
export function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}
