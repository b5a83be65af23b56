// Who may repair: the operator (the x-sync-secret header, as `deno task repair` sends it) or a
// signed-in staff member whose staff_members row has the operator role (the dashboard). Plain
// staff, the scheduler and anyone else may not: a repair rewrites rows and spends the store's
// request budget.
import type { Caller } from "../_shared/auth/caller.ts";
import { hasOperatorRole } from "../_shared/auth/operator_role.ts";
import type { Sql } from "../_shared/database.ts";
import { errorReply, unauthorizedReply } from "../_shared/http/json_reply.ts";
import type { RepairActor } from "../_shared/repair/repair_log.ts";

export async function repairActor(sql: Sql, caller: Caller): Promise<RepairActor | Response> {
  if (caller.kind === "operator") return { kind: "operator" };
  if (caller.kind === "anonymous") return unauthorizedReply();
  if (caller.kind === "staff" && await hasOperatorRole(sql, caller.userId)) {
    return { kind: "staff", userId: caller.userId };
  }
  return errorReply(
    403,
    "Repairs need the operator role: the x-sync-secret header (deno task repair), or a staff " +
      "member marked operator (README, Repair)",
  );
}
