// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleImportHistory } from "./handler.ts";

Deno.serve(serveFunction(handleImportHistory, undefined, { functionName: "import-history" }));
