// The closing summary of the whole suite, printed and checked. On a full run (no --filter left
// a scenario out) it also holds the suite to its own bar: every scenario finished and at least
// MIN_CRASH_POINTS kills hit a run in progress.
import assert from "node:assert/strict";
import { tally } from "./harness.ts";
import { stopChaosDatabase } from "./second_cluster.ts";

export const MIN_CRASH_POINTS = 20;

export const summaryScenario: Deno.TestDefinition = {
  name: "chaos summary: every scenario ran, zero mismatches",
  async fn() {
    // The suite's own cluster is not needed after the last scenario.
    await stopChaosDatabase();
    const seconds = ((performance.now() - tally.startedAt) / 1000).toFixed(0);
    const faults = tally.crashPoints + tally.dbRestarts + tally.apiFaults + tally.badInputs;
    const full = tally.registered.length > 0 &&
      tally.registered.every((name) => tally.started.includes(name));
    console.log(
      [
        "",
        "== chaos suite summary",
        `run:              ${
          full ? "full" : `filtered (${tally.started.length}/${tally.registered.length} started)`
        }`,
        `scenarios run:    ${tally.scenarios.length}`,
        ...tally.scenarios.map((s) => `  - ${s}`),
        `faults injected:  ${faults} (${tally.crashPoints} crash points, ${tally.dbRestarts} ` +
        `database restarts, ${tally.apiFaults} API faults, ${tally.badInputs} bad inputs)`,
        `rows compared:    ${tally.rowsCompared}`,
        `mismatches:       ${tally.mismatches.length}`,
        ...tally.mismatches.slice(0, 20).map((m) => `  - ${m}`),
        `duration:         ${seconds} s`,
      ].join("\n"),
    );
    assert.deepEqual(tally.mismatches, []);
    if (full) {
      // A scenario adds its line only when it finished: a failed one shows up here too.
      assert.equal(
        tally.scenarios.length,
        tally.registered.length,
        `every scenario finished: ${tally.scenarios.join("; ")}`,
      );
      assert.ok(
        tally.crashPoints >= MIN_CRASH_POINTS,
        `${tally.crashPoints} crash points, at least ${MIN_CRASH_POINTS} required`,
      );
      assert.ok(tally.rowsCompared > 0, "rows were compared");
      assert.ok(tally.dbRestarts > 0 && tally.apiFaults > 0 && tally.badInputs > 0);
    } else if (tally.crashPoints > 0) {
      assert.ok(tally.rowsCompared > 0, "rows were compared");
    }
  },
};
