// A repair lands re-fetched records the way a page lands (validation, the page transaction,
// rejects filed and resolved) in a sync_log run of its own (trigger 'repair'), holding the
// entity's lease so it never interleaves with a sync of the same entity. Unlike a sync run it
// leaves the cursor, the entity's last status and its freshness alone: re-fetching one record
// says nothing about whether the entity is up to date.
import type { Sql } from "../database.ts";
import type { EntityDefinition } from "../entities/registry.ts";
import type { LightspeedClient } from "../lightspeed/client.ts";
import type { ReplyBody } from "../lightspeed/reply_body.ts";
import { ingestPage, type PageCounts } from "../sync/ingest_page.ts";
import { acquireLease, releaseLease } from "../sync/lease.ts";
import { preparePage } from "../sync/prepared_page.ts";
import { closeAbandonedRuns } from "../sync/run_log.ts";

// A crashed repair's lease outlives its deadline by this much, as a sync run's does.
const LEASE_GRACE_MS = 30_000;

export class EntityBusyError extends Error {
  constructor(entity: string) {
    super(`A sync of "${entity}" is running right now; repair it again in a minute`);
    this.name = "EntityBusyError";
  }
}

export interface RepairRun {
  entity: EntityDefinition;
  runId: number;
  /** Lands records as one page: rewritten even when unchanged, the cursor left alone. */
  land(records: unknown[], reply?: ReplyBody): Promise<PageCounts>;
  /** Closes the run's sync_log row and gives the lease back. */
  close(outcome: { error: string | null; partial?: boolean }, client: LightspeedClient): Promise<
    void
  >;
}

export async function openRepairRun(
  sql: Sql,
  entity: EntityDefinition,
  deadline: number,
  secrets: readonly string[],
): Promise<RepairRun> {
  const owner = crypto.randomUUID();
  const leaseTtlMs = Math.max(1_000, deadline - Date.now()) + LEASE_GRACE_MS;
  const leased = await acquireLease(sql, entity.name, owner, leaseTtlMs);
  if (!leased) throw new EntityBusyError(entity.name);
  let runId: number;
  try {
    await closeAbandonedRuns(sql, entity.name);
    const [row] = await sql<{ id: number }[]>`
      insert into public.sync_log (entity, trigger, status, cursor_start, cursor_end)
      values (${entity.name}, 'repair', 'running', ${leased.cursor}, ${leased.cursor})
      returning id`;
    runId = row.id;
  } catch (error) {
    await releaseLease(sql, entity.name, owner).catch(() => {});
    throw error;
  }
  const context = { entity, runId, leaseOwner: owner, leaseTtlMs, secrets, repair: true };
  return {
    entity,
    runId,
    land: (records, reply) =>
      ingestPage(
        sql,
        context,
        preparePage(entity, {
          records,
          versionMin: 0,
          versionMax: 0,
          requestAfter: 0,
          reply,
        }),
      ),
    async close(outcome, client) {
      const status = outcome.error ? "failed" : outcome.partial ? "partial" : "completed";
      await sql.begin(async (tx) => {
        await tx`
          update public.sync_log
          set status = ${status}, finished_at = now(),
              duration_ms = (extract(epoch from (now() - started_at)) * 1000)::integer,
              requests = ${client.stats.requests}, rate_limited = ${client.stats.rateLimited},
              error = ${outcome.error}
          where id = ${runId}`;
        await releaseLease(tx, entity.name, owner);
      });
    },
  };
}
