// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleLightspeedOAuth } from "./handler.ts";

Deno.serve(serveFunction(handleLightspeedOAuth));
