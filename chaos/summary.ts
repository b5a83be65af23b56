// Scenario 6: the closing summary of the whole suite, printed and checked.
import assert from "node:assert/strict";
import { tally } from "./harness.ts";
import { stopChaosDatabase } from "./second_cluster.ts";

export const summaryScenario: Deno.TestDefinition = {
  name: "chaos summary: every scenario ran, zero mismatches",
  async fn() {
    // The suite's own cluster is not needed after the last scenario.
    await stopChaosDatabase();
    const seconds = ((performance.now() - tally.startedAt) / 1000).toFixed(0);
    const faults = tally.crashPoints + tally.dbRestarts + tally.apiFaults + tally.badInputs;
    console.log(
      [
        "",
        "== chaos suite summary",
        `scenarios run:    ${tally.scenarios.length}`,
        ...tally.scenarios.map((s) => `  - ${s}`),
        `faults injected:  ${faults} (${tally.crashPoints} process kills, ${tally.dbRestarts} ` +
        `database restarts, ${tally.apiFaults} API faults, ${tally.badInputs} bad inputs)`,
        `rows compared:    ${tally.rowsCompared}`,
        `mismatches:       ${tally.mismatches.length}`,
        ...tally.mismatches.slice(0, 20).map((m) => `  - ${m}`),
        `duration:         ${seconds} s`,
      ].join("\n"),
    );
    assert.deepEqual(tally.mismatches, []);
    // Scenarios that compare rows add to rowsCompared; with --filter some may not have run.
    if (tally.crashPoints > 0) assert.ok(tally.rowsCompared > 0, "rows were compared");
  },
};
