// The project's API keys and signing keys as the platform hands them to every function:
// SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS are JSON objects of name -> key (the
// names are the project's own; "default" is the one Supabase creates), SUPABASE_JWKS the JSON
// Web Key Set of the keys that sign users' tokens. Anything unreadable counts as absent.
import type { JWK } from "@supabase/supabase-js";

function parsedObject(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch {
    // not JSON
  }
  return undefined;
}

/** Every key of a name -> key object (or a single bare key with the given prefix). */
export function keysOf(raw: string | undefined, prefix: string): string[] {
  const trimmed = raw?.trim();
  if (trimmed?.startsWith(prefix)) return [trimmed];
  const entries = Object.entries(parsedObject(trimmed) ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === "string" && !!entry[1]);
  // "default" first: the key Supabase creates with the project.
  entries.sort(([a], [b]) => Number(b === "default") - Number(a === "default"));
  return entries.map(([, key]) => key);
}

/** The publishable key to present to Auth: "default" when there is one, else any. */
export function publishableKeyOf(raw: string | undefined): string | undefined {
  return keysOf(raw, "sb_publishable_")[0];
}

/** SUPABASE_JWKS's keys, when it holds a key set. */
export function jwksOf(raw: string | undefined): { keys: JWK[] } | undefined {
  const keys = parsedObject(raw)?.keys;
  if (!Array.isArray(keys)) return undefined;
  return { keys: keys.filter((key) => key && typeof key === "object" && !Array.isArray(key)) };
}
