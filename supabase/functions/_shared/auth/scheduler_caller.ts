// A request carrying x-sync-signature is the scheduler's or nobody's: a valid signature over a
// call id not seen before identifies the scheduler; anything else is refused with its reason,
// logged (the reason holds no secret) and said in the 401.
import type { Sql } from "../database.ts";
import { claimScheduledCall } from "./scheduler_call_claim.ts";
import { callIdHeader, signatureHeader, verifySchedulerSignature } from "./scheduler_signature.ts";

export type SchedulerIdentity =
  | { kind: "scheduler"; callId: string }
  | { kind: "anonymous"; refused: string };

/** Null when the request is not signed (another kind of caller). */
export async function schedulerCaller(
  req: Request,
  check: { sql: Sql; syncSecret: string; functionName?: string },
): Promise<SchedulerIdentity | null> {
  const signature = req.headers.get(signatureHeader);
  if (signature === null) return null;
  if (check.functionName === undefined) return refuse("this function takes no scheduled calls");
  const verdict = await verifySchedulerSignature({
    signature,
    callId: req.headers.get(callIdHeader),
    // A clone: the handler reads the body itself.
    body: await req.clone().text(),
  }, check.syncSecret);
  if (!verdict.valid) return refuse(verdict.reason);
  const claim = await claimScheduledCall(check.sql, verdict.callId, check.functionName);
  if (!claim.claimed) return refuse(claim.reason);
  return { kind: "scheduler", callId: verdict.callId };
}

function refuse(reason: string): SchedulerIdentity {
  console.warn(`Scheduler signature refused: ${reason}`);
  return { kind: "anonymous", refused: `Scheduler signature refused: ${reason}` };
}
