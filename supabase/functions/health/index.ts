// Supabase Edge Function entry point.
import { serveFunction } from "../_shared/function_entry.ts";
import { handleHealth } from "./handler.ts";
import { healthServeOptions } from "./serve_options.ts";

Deno.serve(serveFunction(handleHealth, undefined, healthServeOptions));
