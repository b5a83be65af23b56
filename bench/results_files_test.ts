import assert from "node:assert/strict";
import { freeResultsName, latestFullRun, resultsBaseName } from "./results_files.ts";

async function withResultsDir(
  files: Record<string, unknown>,
  test: (dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "bench_results_" });
  try {
    for (const [name, content] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(content));
    }
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const run = (date: string, options: string[] = []) => ({ date, commit: { sha: date }, options });

Deno.test("a run's base name: the date alone with no options, else a suffix", () => {
  assert.equal(resultsBaseName("2026-12-05", []), "2026-12-05");
  assert.equal(resultsBaseName("2026-12-05", ["--fast-cluster"]), "2026-12-05-fast-cluster");
  assert.equal(resultsBaseName("2026-12-05", ["--only", "replay"]), "2026-12-05-custom");
  assert.equal(
    resultsBaseName("2026-12-05", ["--fast-cluster", "--skip-naive"]),
    "2026-12-05-custom",
  );
});

Deno.test("a second run on a day keeps the first: it takes the next free counter", async () => {
  await withResultsDir({}, async (dir) => {
    assert.equal(await freeResultsName(dir, "2026-12-05"), "2026-12-05");
    await Deno.writeTextFile(`${dir}/2026-12-05.json`, "{}");
    assert.equal(await freeResultsName(dir, "2026-12-05"), "2026-12-05-2");
    // A Markdown report alone holds its name too.
    await Deno.writeTextFile(`${dir}/2026-12-05-2.md`, "");
    assert.equal(await freeResultsName(dir, "2026-12-05"), "2026-12-05-3");
    assert.equal(await freeResultsName(dir, "2026-12-05-custom"), "2026-12-05-custom");
  });
});

Deno.test("the README's run is the newest with no options, by its date, whatever its name", async () => {
  await withResultsDir({
    "2026-12-01.json": { date: "2026-12-01T10:00:00Z", revision: "old shape" },
    "2026-12-05.json": run("2026-12-05T09:00:00Z"),
    "2026-12-05-2.json": run("2026-12-05T15:00:00Z"),
    "2026-12-05-custom.json": run("2026-12-05T18:00:00Z", ["--only", "freshness"]),
    "2026-12-05-fast-cluster.json": run("2026-12-05T19:00:00Z", ["--fast-cluster"]),
  }, async (dir) => {
    const latest = await latestFullRun(dir);
    assert.equal(latest?.name, "2026-12-05-2.json");
  });
  await withResultsDir(
    { "2026-12-05-custom.json": run("2026-12-05", ["--only", "rate"]) },
    async (dir) => {
      assert.equal(await latestFullRun(dir), null);
    },
  );
});
