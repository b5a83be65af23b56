// A signed-in staff member on a test stack: a local user on the allow-list, signed in through
// the local auth stand-in like the dashboard does, for tests that call the functions as staff.
import { createClient } from "@supabase/supabase-js";
import { createLocalUser, deleteLocalUser } from "../api/auth/users.ts";
import { localAnonKey } from "../api/local_keys.ts";
import type { SyncStack } from "./sync_stack.ts";

export interface StaffSession {
  /** Headers that identify the caller as this staff member (and carry no sync secret). */
  headers: Record<string, string>;
  remove(): Promise<void>;
}

export async function signInStaff(stack: SyncStack, label: string): Promise<StaffSession> {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = `staff-password-${crypto.randomUUID()}`;
  await createLocalUser(stack.sql, email, password, { staff: true });
  const client = createClient(stack.api.url, localAnonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const session = await client.auth.signInWithPassword({ email, password });
  if (!session.data.session) throw new Error(`Staff sign-in failed: ${session.error?.message}`);
  return {
    // x-sync-secret empty: stack.invoke sends the operator secret unless told otherwise.
    headers: {
      authorization: `Bearer ${session.data.session.access_token}`,
      "x-sync-secret": "",
    },
    remove: () => deleteLocalUser(stack.sql, email),
  };
}
