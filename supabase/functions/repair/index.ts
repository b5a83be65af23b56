// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleRepair } from "./handler.ts";

Deno.serve(serveFunction(handleRepair, undefined, { functionName: "repair" }));
