// Where a run's results go in bench/results, and which run the README shows. A run never
// replaces an earlier one: a second run on a day with the same name gets -2, -3, ...
import type { BenchResults } from "./report.ts";

/** The run's name before any counter: the date for a run with no options, a suffix otherwise. */
export function resultsBaseName(day: string, options: string[]): string {
  if (options.length === 0) return day;
  return options.length === 1 && options[0] === "--fast-cluster"
    ? `${day}-fast-cluster`
    : `${day}-custom`;
}

/** The base name, or with the first counter no file in the folder has yet. */
export async function freeResultsName(dir: string, base: string): Promise<string> {
  for (let n = 1;; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!await exists(`${dir}/${name}.json`) && !await exists(`${dir}/${name}.md`)) return name;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The newest run with no options (the README's), by the date it recorded, whatever its file is
 * called; runs before the report named its commit are not candidates.
 */
export async function latestFullRun(
  dir: string,
): Promise<{ name: string; results: BenchResults } | null> {
  let latest: { name: string; results: BenchResults } | null = null;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".json")) continue;
    const results: BenchResults = JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    if (!("commit" in results) || results.options.length > 0) continue;
    if (!latest || results.date > latest.results.date) latest = { name: entry.name, results };
  }
  return latest;
}
