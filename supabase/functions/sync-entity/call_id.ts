// The scheduled call's id, header x-sync-call-id (sync_private.scheduled_calls.id): stored on the
// run's sync_log row, so the scheduler judges the call by the run it started
// (docs/interface.md § sync-entity).
import type { Caller } from "../_shared/auth/caller.ts";
import { callIdHeader, isCallId } from "../_shared/auth/scheduler_signature.ts";
import type { CallId } from "../_shared/sync/run_log.ts";

export type CallIdReading = { callId: CallId } | { error: string };

/**
 * The call id of a signed scheduler call (checked with its signature), or the one an operator
 * sent, validated as a positive bigint. Anyone else's is ignored: only the scheduler names its
 * calls, so a staff member cannot pass a run off as a scheduled call's.
 */
export function readCallId(headers: Headers, caller: Caller): CallIdReading {
  if (caller.kind === "scheduler") return { callId: caller.callId };
  const value = headers.get(callIdHeader);
  if (value === null || caller.kind !== "operator") return { callId: null };
  const digits = value.trim();
  if (!isCallId(digits)) {
    return { error: `The ${callIdHeader} header must be a positive whole number below 2^63` };
  }
  return { callId: digits };
}
