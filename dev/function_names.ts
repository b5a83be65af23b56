// The project's Edge Functions (supabase/functions/<name>/index.ts): what the local stack serves
// and what `deno task deploy` deploys.
export const functionNames = [
  "sync-entity",
  "import-history",
  "health",
  "lightspeed-webhook",
  "lightspeed-oauth",
  "repair",
] as const;
