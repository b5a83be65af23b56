import assert from "node:assert/strict";
import { benchPhases, selectedPhases } from "./phases.ts";

Deno.test("--only names any of the four phases, replay included; the default is all of them", () => {
  assert.deepEqual([...selectedPhases(benchPhases.join(","))], [
    "ingest",
    "replay",
    "rate",
    "freshness",
  ]);
  assert.deepEqual([...selectedPhases("replay, freshness")], ["replay", "freshness"]);
  assert.throws(
    () => selectedPhases("replay,copy"),
    /--only takes ingest, replay, rate, freshness \(comma-separated\), not copy/,
  );
});
