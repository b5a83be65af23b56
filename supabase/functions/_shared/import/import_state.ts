// Starting, continuing and restarting the historical import is state in sync_state, so any
// invocation (or the scheduler) can pick it up where the last one stopped.
import type { Sql } from "../database.ts";

export interface ImportPlan {
  importId: string;
  /** Entities whose import is running after this call. */
  running: string[];
  /** Entities whose import had already completed (restart to import them again). */
  completed: string[];
}

export async function startOrContinueImport(
  sql: Sql,
  entities: readonly string[],
  options: { restart: boolean },
): Promise<ImportPlan> {
  return await sql.begin(async (tx) => {
    await tx`
      insert into public.sync_state (entity)
      select unnest(${entities as string[]}::text[])
      on conflict (entity) do nothing`;
    const states = await tx<
      { entity: string; import_status: string | null; import_id: string | null }[]
    >`
      select entity, import_status, import_id from public.sync_state
      where entity = any(${entities as string[]}::text[])
      order by entity
      for update`;
    const continuing = options.restart
      ? undefined
      : states.find((s) => s.import_status === "running")?.import_id;
    const importId = continuing ?? crypto.randomUUID();
    if (options.restart) {
      // Starting over from version 0; upserts by id make the second pass add nothing twice.
      // Clearing the lease makes a run still working on the old pass stop at its next page.
      await tx`
        update public.sync_state
        set cursor = 0, import_id = ${importId}::uuid, import_status = 'running',
            import_started_at = now(), import_completed_at = null, import_records = 0,
            import_pages = 0, lease_owner = null, lease_expires_at = null, updated_at = now()
        where entity = any(${entities as string[]}::text[])`;
      return { importId, running: [...entities], completed: [] };
    }
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
      importId,
      running: states.filter((s) => s.import_status !== "completed").map((s) => s.entity),
      completed: states.filter((s) => s.import_status === "completed").map((s) => s.entity),
    };
  });
}

/** Entities among these whose import is still running. */
export async function runningImports(sql: Sql, entities: readonly string[]): Promise<string[]> {
  const rows = await sql<{ entity: string }[]>`
    select entity from public.sync_state
    where entity = any(${entities as string[]}::text[]) and import_status = 'running'
    order by entity`;
  return rows.map((r) => r.entity);
}
