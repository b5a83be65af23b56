// Starting, continuing and restarting the historical import is state in sync_state, so any
// invocation (or the scheduler) can pick it up where the last one stopped. The chain of
// invocations that drives it is import_chain.ts's: a start takes the chain's token in the same
// transaction, or joins the chain already running.
import type { Sql, TransactionSql } from "../database.ts";
import { type ChainBefore, lockChain, type RunningChain, takeChain } from "./import_chain.ts";

export interface ImportPlan {
  importId: string;
  /** Entities whose import is running after this call. */
  running: string[];
  /** Entities whose import had already completed (restart to import them again). */
  completed: string[];
  /** The chain that drives the import: new (start it), joined (already running), or none. */
  chain:
    | { kind: "new"; chain: RunningChain; silentSince: Date | null }
    | { kind: "joined"; chain: RunningChain }
    | { kind: "none" };
}

interface EntityState {
  entity: string;
  import_status: string | null;
  import_id: string | null;
}

export async function startOrContinueImport(
  sql: Sql,
  entities: readonly string[],
  options: { restart: boolean },
): Promise<ImportPlan> {
  return await sql.begin(async (tx) => {
    const before = await lockChain(tx);
    const states = await lockEntityStates(tx, entities);
    // Joining the running chain means working under its import id.
    const continuing = options.restart ? undefined : before.running?.importId ??
      states.find((s) => s.import_status === "running")?.import_id ?? undefined;
    const importId = continuing ?? crypto.randomUUID();
    const marked = options.restart
      ? await restartEntities(tx, entities, importId)
      : await startEntities(tx, states, importId);
    return { importId, ...marked, chain: await chainFor(tx, before, marked, importId, options) };
  });
}

async function lockEntityStates(
  tx: TransactionSql,
  entities: readonly string[],
): Promise<EntityState[]> {
  await tx`
    insert into public.sync_state (entity)
    select unnest(${entities as string[]}::text[])
    on conflict (entity) do nothing`;
  return await tx<EntityState[]>`
    select entity, import_status, import_id from public.sync_state
    where entity = any(${entities as string[]}::text[])
    order by entity
    for update`;
}

/** Starting over from version 0; upserts by id make the second pass add nothing twice. */
async function restartEntities(tx: TransactionSql, entities: readonly string[], importId: string) {
  // Clearing the lease makes a run still working on the old pass stop at its next page.
  await tx`
    update public.sync_state
    set cursor = 0, import_id = ${importId}::uuid, import_status = 'running',
        import_started_at = now(), import_completed_at = null, import_records = 0,
        import_pages = 0, lease_owner = null, lease_expires_at = null, updated_at = now()
    where entity = any(${entities as string[]}::text[])`;
  return { running: [...entities], completed: [] };
}

async function startEntities(tx: TransactionSql, states: EntityState[], importId: string) {
  const toStart = states.filter((s) => s.import_status === null || s.import_status === "failed")
    .map((s) => s.entity);
  if (toStart.length > 0) {
    await tx`
      update public.sync_state
      set import_id = ${importId}::uuid, import_status = 'running', import_started_at = now(),
          import_completed_at = null, import_records = 0, import_pages = 0, updated_at = now()
      where entity = any(${toStart}::text[])`;
  }
  return {
    running: states.filter((s) => s.import_status !== "completed").map((s) => s.entity),
    completed: states.filter((s) => s.import_status === "completed").map((s) => s.entity),
  };
}

/** A restart always takes a new token; a start joins a running chain, or takes one if needed. */
async function chainFor(
  tx: TransactionSql,
  before: ChainBefore,
  marked: { running: string[] },
  importId: string,
  options: { restart: boolean },
): Promise<ImportPlan["chain"]> {
  if (!options.restart && before.running) return { kind: "joined", chain: before.running };
  if (marked.running.length === 0) return { kind: "none" };
  return { kind: "new", chain: await takeChain(tx, importId), silentSince: before.silentSince };
}

/** Entities among these whose import is still running. */
export async function runningImports(sql: Sql, entities: readonly string[]): Promise<string[]> {
  const rows = await sql<{ entity: string }[]>`
    select entity from public.sync_state
    where entity = any(${entities as string[]}::text[]) and import_status = 'running'
    order by entity`;
  return rows.map((r) => r.entity);
}
