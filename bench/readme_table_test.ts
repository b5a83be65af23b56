// The README's benchmark table is the latest run's, cell for cell: a fresh run that is not
// copied into the README (or a README edited by hand) fails here.
import assert from "node:assert/strict";
import { repoRoot } from "../dev/paths.ts";

/** The cells of the first Markdown table whose header starts with "figure". */
function benchTable(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^\|\s*figure\s*\|/.test(line));
  assert.ok(start >= 0, "no benchmark table (header '| figure | ...')");
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    if (/^\|[\s|:-]+\|$/.test(line)) continue; // the delimiter row, however it is padded
    rows.push(line.slice(1, -1).split("|").map((cell) => cell.trim()));
  }
  return rows;
}

Deno.test("README's benchmark table matches the latest bench/results run", async () => {
  const results = [...Deno.readDirSync(`${repoRoot}bench/results`)]
    .map((entry) => entry.name)
    .filter((name) => /^\d{4}-\d{2}-\d{2}\.md$/.test(name))
    .sort();
  assert.ok(results.length > 0, "no bench/results/<date>.md");
  const latest = results.at(-1)!;
  const readme = await Deno.readTextFile(`${repoRoot}README.md`);
  assert.deepEqual(
    benchTable(readme),
    benchTable(await Deno.readTextFile(`${repoRoot}bench/results/${latest}`)),
    `README.md's table differs from bench/results/${latest}`,
  );
  assert.match(readme, new RegExp(`Latest run \\(${latest.slice(0, 10)}`));
});
