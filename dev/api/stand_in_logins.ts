// The database logins of the local stand-ins, as on Supabase: PostgREST logs in as
// `authenticator` (which may only switch to anon, authenticated and service_role) and GoTrue as
// `supabase_auth_admin` (owner of the auth schema, nothing in public); never as the superuser.
// Their passwords derive from the superuser URL's (dev/db/local_password.ts).
import postgres from "postgres";
import { databaseUrlAs } from "../db/local_password.ts";

/** Seen in pg_stat_activity, so a test can tell who the stand-ins logged in as. */
export const standInApplicationNames = {
  auth: "local-auth-stand-in",
  rest: "local-rest-stand-in",
} as const;

/** The auth stand-in's pool on the database at superuserUrl. */
export function authStandInDatabase(superuserUrl: string, max = 3): postgres.Sql {
  return postgres(databaseUrlAs(superuserUrl, "supabase_auth_admin"), {
    max,
    onnotice: () => {},
    connection: { application_name: standInApplicationNames.auth },
  });
}

/** The URL the REST stand-in logs in with. */
export function restStandInUrl(superuserUrl: string): string {
  return databaseUrlAs(superuserUrl, "authenticator");
}
