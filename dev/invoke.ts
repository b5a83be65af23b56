// deno task invoke <function> [json-body] — the operator's way to call a function (the Supabase
// CLI has no `functions invoke`). Local stack by default; the project in SUPABASE_URL otherwise.
//   deno task invoke import-history
//   deno task invoke sync-entity '{"entity":"sales"}'
//   deno task invoke health
import { consoleCommandIo } from "./ops/command_io.ts";
import { runInvoke } from "./ops/invoke_function.ts";

Deno.exit(await runInvoke(Deno.args, await consoleCommandIo()));
