// The whole-system fault and security suite (README § Tests). The scenarios are registered
// here, in this order, with the summary last (module evaluation order is not reliable for that:
// some imports use top-level await). Part of `npm test`; alone: `deno task test:chaos`.
// Every scenario runs on the suite's own PostgreSQL (chaos/second_cluster.ts, 127.0.0.1:54352),
// never truncating or restarting the shared 54322.
import { pgBinDir } from "../dev/db/system_packages.ts";
import { accessScenario } from "./access.ts";
import { badInputScenario } from "./bad_input.ts";
import { crashScenario } from "./crashes.ts";
import { dbRestartScenario } from "./db_restart.ts";
import { tally } from "./harness.ts";
import { chaosInstance } from "./second_cluster.ts";
import { stormScenario } from "./storms.ts";
import { summaryScenario } from "./summary.ts";

const scenarios = [
  crashScenario,
  dbRestartScenario,
  stormScenario,
  badInputScenario,
  accessScenario,
];
tally.registered = scenarios.map((s) => s.name);

for (const scenario of scenarios) {
  // Noted when it starts: a scenario that --filter left out never does, so the summary can
  // tell a filtered run from a full one (where every scenario must also have finished).
  const fn = scenario.fn!;
  // asserts-via: fn, the scenario's own steps in chaos/*.ts
  Deno.test({
    ...scenario,
    fn: (t) => {
      tally.started.push(scenario.name);
      return fn(t);
    },
  });
}
Deno.test(summaryScenario);

// The summary stops the suite's cluster, but a run that --filter cut short never reaches it,
// and the PostgreSQL daemon it started would live on, holding the `flock /tmp/locks/chaos`
// descriptor it inherited, so every later run would wait for the lock forever. Stopped here
// then (unload handlers must be synchronous); a no-op when the summary already stopped it.
globalThis.addEventListener("unload", () => {
  if (tally.started.length === 0) return;
  const args = ["stop", "-D", chaosInstance.dataDir, "-m", "fast", "-w"];
  const pgCtl = `${pgBinDir}/pg_ctl`;
  // As dev/db/cluster.ts does: PostgreSQL's tools refuse to run as root.
  const [cmd, cmdArgs] = Deno.uid() === 0
    ? ["runuser", ["-u", "postgres", "--", pgCtl, ...args]]
    : [pgCtl, args];
  // From "/": the postgres user may not be able to enter our working folder.
  new Deno.Command(cmd, { args: cmdArgs, cwd: "/", stdout: "null", stderr: "null" }).outputSync();
});
