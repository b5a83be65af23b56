// Webhook-driven passes of one entity, run in the background by the instance that became its
// driver (event_log.ts): a pass from the cursor, at most one per minimum interval, followed by
// exactly one more when events arrived while it ran. A pass already running (scheduled, a
// click, another driver's) is waited for rather than doubled. The passes use a budget capped at
// LIGHTSPEED_WEBHOOK_BUDGET_SHARE of the store's window, so scheduled and import work keep the
// rest. When the deadline comes first, driving is given up: the next event, or the scheduled
// poll, covers what is pending (webhooks are hints; polling is the reliable path).
import type { Sql } from "../_shared/database.ts";
import { type EntityName, getEntity } from "../_shared/entities/registry.ts";
import type { FunctionContext } from "../_shared/function_context.ts";
import { describeError } from "../_shared/redact.ts";
import { CpuBudget } from "../_shared/sync/cpu_budget.ts";
import {
  closeOpenedRunAsFailed,
  continueEntityRun,
  openEntityRun,
  type RunRequest,
} from "../_shared/sync/run_entity_sync.ts";
import { abandonDriving, releaseIfQuiet, startPass, touchDriver } from "./event_log.ts";

/** How often a driver looks whether a running pass has ended. */
const LEASE_POLL_MS = 500;

export interface DriveOptions {
  entity: EntityName;
  driver: string;
  /** Epoch ms by which the driver stops (the invocation's deadline). */
  deadline: number;
}

export async function drivePasses(context: FunctionContext, options: DriveOptions) {
  const { sql } = context;
  const { entity, driver, deadline } = options;
  try {
    for (;;) {
      const start = await startPass(sql, entity, driver, context.config.webhookMinIntervalMs);
      if (start === null) return;
      if (start.waitMs > 0) {
        if (Date.now() + start.waitMs >= deadline) break;
        await sleep(start.waitMs);
        continue;
      }
      if (!await runOnePass(context, options)) break;
      if (await releaseIfQuiet(sql, entity, driver)) return;
    }
    await abandonDriving(sql, entity, driver);
  } catch (error) {
    await abandonDriving(sql, entity, driver).catch(() => {});
    throw error;
  }
}

/** One pass, after any pass holding the entity ends; false when the deadline came first. */
async function runOnePass(context: FunctionContext, options: DriveOptions): Promise<boolean> {
  const { sql } = context;
  for (;;) {
    if (Date.now() + LEASE_POLL_MS >= options.deadline) return false;
    if (await leaseHeld(sql, options.entity)) {
      await touchDriver(sql, options.entity, options.driver);
      await sleep(LEASE_POLL_MS);
      continue;
    }
    const request: RunRequest = {
      entity: getEntity(options.entity),
      trigger: "webhook",
      deadline: options.deadline,
      cpuBudget: new CpuBudget(context.config.cpuBudgetMs),
      signal: context.worker.stopping,
    };
    const run = await openEntityRun({ sql }, request);
    // Taken between the look and the open: wait for that run too.
    if ("skipped" in run) continue;
    let environment;
    try {
      environment = await context.syncEnvironment({
        deadline: options.deadline,
        budgetShare: context.config.webhookBudgetShare,
      });
    } catch (error) {
      await closeOpenedRunAsFailed({ sql }, request, run, describeError(error, context.secrets));
      return false;
    }
    await continueEntityRun(environment, request, run);
    return true;
  }
}

async function leaseHeld(sql: Sql, entity: string): Promise<boolean> {
  const [row] = await sql<{ held: boolean }[]>`
    select coalesce(lease_owner is not null and lease_expires_at > clock_timestamp(), false) as held
    from public.sync_state where entity = ${entity}`;
  return row?.held ?? false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
