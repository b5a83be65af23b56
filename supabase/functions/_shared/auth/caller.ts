// Who is calling: an operator (x-sync-secret), the scheduler (a signed call, x-sync-signature),
// a signed-in staff member (Supabase Auth JWT whose user is on the staff list), or nobody we
// trust.
import { describeError } from "../redact.ts";
import { schedulerCaller } from "./scheduler_caller.ts";
import { secretMatches } from "./sync_secret.ts";
import { type StaffCheck, staffUserId } from "./staff_identity.ts";

export type Caller =
  | { kind: "operator" }
  | { kind: "scheduler"; callId: string }
  | { kind: "staff"; userId: string }
  /** refused: why presented credentials were refused, logged and said in the 401. */
  | { kind: "anonymous"; refused?: string };

export interface CallerCheck extends StaffCheck {
  syncSecret: string;
  /** The function being called; a scheduler call must have been made for it. */
  functionName?: string;
}

function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

export async function identifyCaller(req: Request, check: CallerCheck): Promise<Caller> {
  if (await secretMatches(req.headers.get("x-sync-secret"), check.syncSecret)) {
    return { kind: "operator" };
  }
  const scheduler = await schedulerCaller(req, check);
  if (scheduler) return scheduler;
  const token = bearerToken(req);
  if (token) {
    const userId = await staffUserId(token, check).catch((error) => {
      // The staff list could not be read: refused like anyone unknown, but not silently.
      (check.log ?? console.warn)(
        `A staff sign-in could not be checked: ${describeError(error, [token])}`,
      );
      return null;
    });
    if (userId) return { kind: "staff", userId };
  }
  return { kind: "anonymous" };
}
