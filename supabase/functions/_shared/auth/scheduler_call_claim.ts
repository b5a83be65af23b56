// Replay protection for signed scheduler calls: a call id is accepted once. The dispatcher's own
// record of the call (sync_private.scheduled_calls) is the ledger: the first request marks
// received_at, any later one with the same id finds it set; an id the dispatcher never made is
// refused too, and so is a call made for the other function: a request copied from pg_net's queue
// cannot be sent to the function it was not meant for (nor burn the real call's id there). Rows are pruned with the rest of the scheduler's history, long after a signature
// expired (README § Security).
import type { Sql } from "../database.ts";

export type CallClaim = { claimed: true } | { claimed: false; reason: string };

export async function claimScheduledCall(
  sql: Sql,
  callId: string,
  functionName: string,
): Promise<CallClaim> {
  const [row] = await sql<{ claimed: boolean; made_for: string | null }[]>`
    with claimed as (
      update sync_private.scheduled_calls set received_at = now()
      where id = ${callId}::bigint and function_name = ${functionName} and received_at is null
      returning id
    )
    select exists (select 1 from claimed) as claimed,
      (select function_name from sync_private.scheduled_calls where id = ${callId}::bigint)
        as made_for`;
  if (row.claimed) return { claimed: true };
  if (row.made_for === null) {
    return { claimed: false, reason: `call id ${callId} is not a call the scheduler made` };
  }
  if (row.made_for !== functionName) {
    return {
      claimed: false,
      reason: `call id ${callId} was made for ${row.made_for}, not ${functionName}`,
    };
  }
  return { claimed: false, reason: `call id ${callId} was already received (a replayed request)` };
}
