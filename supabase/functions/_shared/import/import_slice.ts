// One invocation's share of the historical import: every unfinished entity, concurrently
// within the shared request budget, until each reaches the end or the time budget runs out;
// then the import hands itself to a fresh invocation, with nobody acting. The chain's token
// (import_chain.ts) goes with each hand-over; a slice whose chain was superseded stops.
import pLimit from "p-limit";
import { entityNames, getEntity, isEntityName } from "../entities/registry.ts";
import type { FunctionContext } from "../function_context.ts";
import { describeError } from "../redact.ts";
import { invocationDeadline } from "../run_deadline.ts";
import { CpuBudget } from "../sync/cpu_budget.ts";
import { CLOSING_RESERVE_MS } from "../sync/page_loop.ts";
import { runEntitySync, type RunResult } from "../sync/run_entity_sync.ts";
import { nextStepOfChain, supersededMessage } from "./import_chain.ts";
import { runningImports } from "./import_state.ts";

// With no progress at all (every entity failing, or held by another run), wait before handing
// over so the chain never spins: 5 s, doubling with each idle slice in a row, at most 40 s. An
// outage then costs a few invocations a minute, and progress resets the wait.
const IDLE_HANDOVER_DELAY_MS = 5_000;
const MAX_IDLE_DOUBLINGS = 3;

/** How long a slice that made no progress waits before handing over, after `idle` such slices. */
export function idleHandoverDelayMs(idle: number): number {
  return IDLE_HANDOVER_DELAY_MS * 2 ** Math.min(Math.max(idle, 0), MAX_IDLE_DOUBLINGS);
}

export interface SliceReport {
  results: RunResult[];
  remaining: string[];
  handedOver: boolean;
  /** Another chain took over while this slice ran: it stopped without handing over. */
  superseded: boolean;
}

export async function runImportSlice(
  context: FunctionContext,
  chain: string,
  entities: readonly string[],
  options: {
    generation: number;
    /** Slices in a row before this one that made no progress. */
    idle?: number;
    fetch?: typeof fetch;
  } = { generation: 0 },
): Promise<SliceReport> {
  const deadline = invocationDeadline(context);
  // Whatever goes wrong in this slice, the import is handed over below while work remains:
  // an import nobody continues would sit at 'running' until the scheduler noticed.
  let results: RunResult[] = [];
  try {
    results = await runUnfinishedEntities(context, entities, deadline);
  } catch (error) {
    console.error(
      `The import slice failed before its runs ended (${describeError(error, context.secrets)}); ` +
        "the next slice continues it",
    );
  }
  const next = await nextStepOfChain(context.sql, chain);
  if (next.state === "superseded") console.warn(supersededMessage(chain));
  if (next.state !== "continue") {
    return { results, remaining: [], handedOver: false, superseded: next.state === "superseded" };
  }
  const remaining = next.remaining;
  const progressed = results.some((r) => r.pages > 0 || r.status === "completed");
  const idle = progressed ? 0 : (options.idle ?? 0) + 1;
  if (!progressed) {
    await new Promise((resolve) => setTimeout(resolve, idleHandoverDelayMs(idle - 1)));
  }
  const handedOver = await handOver(
    context,
    { chain, entities: remaining, generation: options.generation + 1, idle },
    options.fetch,
  );
  return { results, remaining, handedOver, superseded: false };
}

/**
 * Runs every entity whose import is still running, `concurrency` at a time, sharing the
 * invocation's CPU budget; a run that throws is logged and left to the next slice.
 */
async function runUnfinishedEntities(
  context: FunctionContext,
  entities: readonly string[],
  deadline: number,
): Promise<RunResult[]> {
  const limit = pLimit(context.config.concurrency);
  const cpuBudget = new CpuBudget(context.config.cpuBudgetMs);
  const stopping = context.worker.stopping;
  const environment = await context.syncEnvironment({ deadline });
  // In the order asked for: the caller decides which entities go first. The chain drives every
  // importing entity, so those a start added to it (or a silent chain left) come after.
  const running = await runningImports(context.sql, entityNames);
  const todo = [
    ...entities.filter((name) => running.includes(name)),
    ...running.filter((name) => !entities.includes(name)),
  ].filter(isEntityName);
  const settled = await Promise.allSettled(
    todo.map((name) =>
      limit(() => {
        // An entity queued behind others may find the invocation's CPU or time already
        // spent, or its worker stopping; started anyway it would still fetch and land a page.
        // The next slice takes it.
        if (
          cpuBudget.exhausted || stopping.aborted || deadline - Date.now() <= CLOSING_RESERVE_MS
        ) {
          return Promise.resolve(null);
        }
        return runEntitySync(environment, {
          entity: getEntity(name),
          trigger: "import",
          deadline,
          // Each run records its entity's own import id (sync_state.import_id).
          cpuBudget,
          signal: stopping,
        });
      })
    ),
  );
  const results: RunResult[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") {
      if (outcome.value) results.push(outcome.value);
    } else {
      const reason = describeError(outcome.reason, context.secrets);
      console.error(`The import run of ${todo[i]} failed (${reason}); the next slice continues it`);
    }
  });
  return results;
}

/** Starts the next invocation of import-history; the scheduler is the safety net if it fails. */
async function handOver(
  context: FunctionContext,
  next: { chain: string; entities: string[]; generation: number; idle: number },
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  const base = context.config.supabaseUrl;
  if (!base) {
    console.error("SUPABASE_URL is not set: the import continues on the next scheduled run");
    return false;
  }
  try {
    const reply = await fetchImpl(`${base.replace(/\/+$/, "")}/functions/v1/import-history`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sync-secret": context.config.syncSecret },
      body: JSON.stringify(next),
      signal: AbortSignal.timeout(30_000),
    });
    if (reply.status === 409) {
      // The next invocation found this chain superseded and said so; nothing to continue.
      await reply.body?.cancel();
      console.warn(supersededMessage(next.chain));
      return false;
    }
    await reply.body?.cancel();
    if (reply.status !== 202) {
      console.error(
        `Handing the import over failed with HTTP ${reply.status}; the scheduler continues it`,
      );
      return false;
    }
    return true;
  } catch (error) {
    console.error(
      `Handing the import over failed (${describeError(error, context.secrets)}); ` +
        "the scheduler continues it",
    );
    return false;
  }
}
