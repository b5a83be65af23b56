// The run's trigger (sync_log.trigger) comes from who is calling, never from what the body
// claims (docs/interface.md § sync-entity): a staff member cannot label a click `schedule` or
// `import`, and `import` would also skip the overlap re-read. `import` is the import chain's own
// (it runs in import-history, not through this function).
import type { Caller } from "../_shared/auth/caller.ts";
import type { RunTrigger } from "../_shared/sync/run_log.ts";

/** What a body may say about its trigger; only the scheduler's `schedule` is ever believed. */
export type ClaimedTrigger = "schedule" | "manual" | "dashboard" | "import" | undefined;

export function runTriggerFor(
  caller: Exclude<Caller, { kind: "anonymous" }>,
  claimed: ClaimedTrigger,
): RunTrigger {
  switch (caller.kind) {
    case "staff":
      return "dashboard";
    case "scheduler":
      // A signed scheduler call is a scheduled run whatever its body says.
      return "schedule";
    case "operator":
      // The operator is trusted with every label but `import`, which belongs to the import
      // chain (and would skip the overlap re-read); invoke may stand in for the scheduler.
      return claimed === "schedule" ? "schedule" : "manual";
    default: {
      // A new caller kind must decide its trigger here: this line stops the type check.
      const unhandled: never = caller;
      return unhandled;
    }
  }
}
