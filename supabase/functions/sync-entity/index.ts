// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleSyncEntity } from "./handler.ts";

Deno.serve(serveFunction(handleSyncEntity, undefined, { functionName: "sync-entity" }));
