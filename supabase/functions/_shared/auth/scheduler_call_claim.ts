// Replay protection for signed scheduler calls: a call id is accepted once. The dispatcher's own
// record of the call (sync_private.scheduled_calls) is the ledger: the first request marks
// received_at, any later one with the same id finds it set; an id the dispatcher never made is
// refused too. Rows are pruned with the rest of the scheduler's history, long after a signature
// expired (README § Security).
import type { Sql } from "../database.ts";

export type CallClaim = { claimed: true } | { claimed: false; reason: string };

export async function claimScheduledCall(sql: Sql, callId: string): Promise<CallClaim> {
  const [row] = await sql<{ claimed: boolean; known: boolean }[]>`
    with claimed as (
      update sync_private.scheduled_calls set received_at = now()
      where id = ${callId}::bigint and received_at is null
      returning id
    )
    select exists (select 1 from claimed) as claimed,
      exists (select 1 from sync_private.scheduled_calls where id = ${callId}::bigint) as known`;
  if (row.claimed) return { claimed: true };
  return {
    claimed: false,
    reason: row.known
      ? `call id ${callId} was already received (a replayed request)`
      : `call id ${callId} is not a call the scheduler made`,
  };
}
