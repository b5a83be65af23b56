// Runs both structure checks on folders and words what they find, one line per finding, with
// paths relative to the repository root.
import nodePath from "node:path";
import { repoRoot } from "../paths.ts";
import { findLongFunctions, MAX_FUNCTION_LINES } from "./function_length.ts";
import { findImportCycles } from "./import_cycles.ts";

const relative = (path: string) => nodePath.relative(repoRoot, path);

/** "import cycle: a.ts -> b.ts -> a.ts", one per cycle under the folder. */
export async function importCycleLines(folder: string): Promise<string[]> {
  const cycles = await findImportCycles(nodePath.resolve(repoRoot, folder));
  return cycles.map((cycle) => `import cycle: ${cycle.route.map(relative).join(" -> ")}`);
}

/** "long function: path:12-80 (69 lines) name", one per unexcused function under the folder. */
export async function longFunctionLines(folder: string): Promise<string[]> {
  const found = await findLongFunctions(nodePath.resolve(repoRoot, folder), MAX_FUNCTION_LINES);
  return found.map(({ file, startLine, endLine, lines, name }) =>
    `long function: ${relative(file)}:${startLine}-${endLine} (${lines} lines) ${name}`
  );
}
