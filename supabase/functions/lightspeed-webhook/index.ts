// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleLightspeedWebhook } from "./handler.ts";

Deno.serve(serveFunction(handleLightspeedWebhook));
