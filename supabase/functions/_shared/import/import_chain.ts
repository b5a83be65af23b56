// One import chain at a time (docs/interface.md § import-history). A chain takes a token in
// public.sync_import_chain when it starts; every hand-over carries it, and a slice whose token is
// no longer the row's stops at once. Whether a chain still runs is public.sync_import_status's
// rule: a sign of life in the last 2 minutes, or an importing entity's run holding its lease.
import type { Sql, TransactionSql } from "../database.ts";

export interface RunningChain {
  token: string;
  importId: string | null;
  startedAt: Date;
}

/** What a start found: the chain still running, or the last sign of life of a silent one. */
export interface ChainBefore {
  running: RunningChain | null;
  /** A chain that still has its token but fell silent; the start takes over from it. */
  silentSince: Date | null;
}

/** Locks the chain row (starts are serialized on it) and says what runs. First in a start. */
export async function lockChain(tx: TransactionSql): Promise<ChainBefore> {
  await tx`select 1 from public.sync_import_chain where id for update`;
  const [row] = await tx<
    {
      token: string | null;
      import_id: string | null;
      started_at: Date | null;
      seen_at: Date | null;
      running: boolean;
    }[]
  >`
    select c.token, c.import_id, c.started_at, c.seen_at, s.running
    from public.sync_import_chain as c cross join public.sync_import_status as s`;
  if (!row?.token) return { running: null, silentSince: null };
  if (row.running) {
    return {
      running: { token: row.token, importId: row.import_id, startedAt: row.started_at! },
      silentSince: null,
    };
  }
  return { running: null, silentSince: row.seen_at };
}

/** Takes a new token for a chain working on `importId`; a chain holding the old one stops. */
export async function takeChain(tx: TransactionSql, importId: string): Promise<RunningChain> {
  const token = crypto.randomUUID();
  // An upsert: the row the migration inserted may have been deleted by hand.
  const [row] = await tx<{ started_at: Date }[]>`
    insert into public.sync_import_chain as c (id, token, import_id, started_at, seen_at)
    values (true, ${token}::uuid, ${importId}::uuid, now(), now())
    on conflict (id) do update
    set token = excluded.token, import_id = excluded.import_id, started_at = now(),
        seen_at = now(), handovers = 0, ended_at = null
    returning c.started_at`;
  return { token, importId, startedAt: row.started_at };
}

/**
 * Accepts a hand-over carrying `token` when it is the running chain's (a sign of life, counted),
 * and gives the chain's import id; null when another chain has taken over.
 */
export async function acceptHandOver(
  sql: Sql,
  token: string,
): Promise<{ importId: string | null } | null> {
  const [row] = await sql<{ import_id: string | null }[]>`
    update public.sync_import_chain
    set seen_at = now(), handovers = handovers + 1
    where id and token = ${token}::uuid
    returning import_id`;
  return row ? { importId: row.import_id } : null;
}

export type ChainNext =
  | { state: "superseded" }
  | { state: "ended" }
  | { state: "continue"; remaining: string[] };

/**
 * After a slice's runs: stops when another chain took over, ends the chain when no entity is
 * importing any more, else records a sign of life and says which entities remain. Locked like a
 * start, so an entity a start has just added to this chain is never left behind.
 */
export async function nextStepOfChain(sql: Sql, token: string): Promise<ChainNext> {
  return await sql.begin(async (tx) => {
    const [chain] = await tx<{ current: boolean }[]>`
      select token is not distinct from ${token}::uuid as current
      from public.sync_import_chain where id for update`;
    if (!chain?.current) return { state: "superseded" as const };
    const running = await tx<{ entity: string }[]>`
      select entity from public.sync_state where import_status = 'running' order by entity`;
    if (running.length === 0) {
      await tx`update public.sync_import_chain set token = null, ended_at = now() where id`;
      return { state: "ended" as const };
    }
    await tx`update public.sync_import_chain set seen_at = now() where id`;
    return { state: "continue" as const, remaining: running.map((r) => r.entity) };
  });
}

/** The chain's own words when it stops because another took over (function logs). */
export function supersededMessage(token: string): string {
  return `Import chain ${token} stops here: another chain has taken over the import ` +
    "(a restart, or a start after this chain fell silent)";
}
