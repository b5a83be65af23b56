// The whole-system fault and security suite (issue 8). The scenarios are registered here, in
// this order, with the summary last (module evaluation order is not reliable for that: some
// imports use top-level await). Part of `npm test`; alone: `deno task test:chaos`.
// Every scenario runs on the suite's own PostgreSQL (chaos/second_cluster.ts, 127.0.0.1:54352),
// never truncating or restarting the shared 54322.
import { accessScenario } from "./access.ts";
import { badInputScenario } from "./bad_input.ts";
import { crashScenario } from "./crashes.ts";
import { dbRestartScenario } from "./db_restart.ts";
import { knownBugScenario } from "./known_bugs.ts";
import { stormScenario } from "./storms.ts";
import { summaryScenario } from "./summary.ts";

for (
  const scenario of [
    crashScenario,
    dbRestartScenario,
    stormScenario,
    badInputScenario,
    accessScenario,
    knownBugScenario,
    summaryScenario,
  ]
) {
  Deno.test(scenario);
}
