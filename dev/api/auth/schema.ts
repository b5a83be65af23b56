// DEVELOPMENT ONLY: applies bootstrap.sql (GoTrue's session tables) once per process.
import type { Sql } from "postgres";

const bootstrapUrl = new URL("./bootstrap.sql", import.meta.url);
// Any fixed number: serialises concurrent test processes creating the same tables.
const bootstrapLockKey = 6_042_025_001;
const applied = new WeakMap<Sql, Promise<void>>();

/** Creates auth.sessions and auth.refresh_tokens if missing; safe to call concurrently. */
export function ensureLocalAuthSchema(sql: Sql): Promise<void> {
  let pending = applied.get(sql);
  if (!pending) {
    pending = (async () => {
      const text = await Deno.readTextFile(bootstrapUrl);
      await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${bootstrapLockKey})`;
        await tx.unsafe(text);
      });
    })();
    pending.catch(() => applied.delete(sql));
    applied.set(sql, pending);
  }
  return pending;
}
