// Tests' view into Vault: the stored value of one OAuth token secret.
import type { Sql } from "../../database.ts";

export async function oauthSecret(sql: Sql, name: string): Promise<string | null> {
  const [row] = await sql<{ value: string | null }[]>`
    select sync_private.oauth_secret(${name}) as value`;
  return row?.value ?? null;
}
