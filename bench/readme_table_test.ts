// The README's benchmark figures are the latest run's, rendered from its JSON: a fresh run
// whose figures are not in the README (or a README edited by hand) fails here.
import assert from "node:assert/strict";
import { repoRoot } from "../dev/paths.ts";
import { readmeBlock, tableCells } from "./readme_block.ts";
import { type BenchResults, commitLabel, renderTable } from "./report.ts";
import { latestFullRun } from "./results_files.ts";

Deno.test("README's benchmark table is the latest bench/results run's, cell for cell", async () => {
  const run = await latestFullRun(`${repoRoot}bench/results`);
  assert.ok(run, "no bench/results run with no options");
  const { name: latest, results } = run;
  const block = readmeBlock(await Deno.readTextFile(`${repoRoot}README.md`));
  assert.deepEqual(
    tableCells(block),
    tableCells(renderTable(results)),
    `README.md's table differs from bench/results/${latest}`,
  );
  const prose = block.replace(/\s+/g, " ");
  assert.ok(
    prose.includes(`Latest run (${results.date.slice(0, 10)}, ${commitLabel(results)},`),
    "the README names the run's date and commit",
  );
  assert.equal(results.cluster.durable, true, "the README's figures are a durable cluster's");
  assert.deepEqual(results.options, [], "the README's figures are a run with no options");
});

// Runs before 2026-12-03 recorded an older shape (no wall-time ratios); their .md stays the record.
Deno.test("every run since 2026-12-03 still renders, each table as its .md has it", async () => {
  const names = [...Deno.readDirSync(`${repoRoot}bench/results`)]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".json") && name >= "2026-12-03");
  assert.ok(names.length >= 1);
  for (const name of names) {
    const results: BenchResults = JSON.parse(
      await Deno.readTextFile(`${repoRoot}bench/results/${name}`),
    );
    const written = await Deno.readTextFile(`${repoRoot}bench/results/${name.slice(0, -5)}.md`);
    assert.deepEqual(tableCells(renderTable(results)), tableCells(written), name);
  }
});
