// The scheduled call's id, header x-sync-call-id (sync_private.scheduled_calls.id): stored on the
// run's sync_log row, so the scheduler judges the call by the run it started
// (docs/interface.md § sync-entity).
import type { Caller } from "../_shared/auth/caller.ts";
import type { CallId } from "../_shared/sync/run_log.ts";

export const callIdHeader = "x-sync-call-id";

const largestBigint = 9_223_372_036_854_775_807n;

export type CallIdReading = { callId: CallId } | { error: string };

/**
 * The call id a secret-authenticated caller (the scheduler) sent, validated as a positive bigint.
 * Anyone else's is ignored: only the scheduler names its calls, so a staff member cannot pass a
 * run off as a scheduled call's.
 */
export function readCallId(headers: Headers, caller: Caller): CallIdReading {
  const value = headers.get(callIdHeader);
  if (value === null || caller.kind !== "operator") return { callId: null };
  const digits = value.trim();
  if (!/^[1-9][0-9]{0,18}$/.test(digits) || BigInt(digits) > largestBigint) {
    return { error: `The ${callIdHeader} header must be a positive whole number below 2^63` };
  }
  return { callId: digits };
}
