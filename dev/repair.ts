// deno task repair reread|record|sales|rejects|continue … — the operator's repairs (README
// § Repair). Local stack by default; the project in SUPABASE_URL otherwise.
//   deno task repair record sales 0a6f…
//   deno task repair sales 2026-11-02 2026-11-08
import { consoleCommandIo } from "./ops/command_io.ts";
import { runRepair } from "./ops/repair_command.ts";

Deno.exit(await runRepair(Deno.args, await consoleCommandIo()));
