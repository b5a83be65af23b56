// The operator role of a signed-in staff member (public.staff_members.operator, set with SQL by
// the operator; README, Repair and OAuth): what lets a person, not only the x-sync-secret, run
// actions that rewrite rows or change how the sync signs in to Lightspeed.
import type { Sql } from "../database.ts";

export async function hasOperatorRole(sql: Sql, userId: string): Promise<boolean> {
  const [row] = await sql<{ operator: boolean }[]>`
    select operator from public.staff_members where user_id = ${userId}::uuid`;
  return row?.operator === true;
}
