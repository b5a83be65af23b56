// deno task webhooks register|list|remove — the store's webhooks that point at the
// lightspeed-webhook function (README § Near-real-time). Local stack by default; the project in
// SUPABASE_URL otherwise. Reads the Lightspeed settings from the environment, then
// supabase/functions/.env.
import { readEnvFile } from "./env_file.ts";
import { runWebhooks } from "./ops/webhooks_command.ts";
import { repoRoot } from "./paths.ts";

const code = await runWebhooks(Deno.args, {
  env: Deno.env.toObject(),
  envFile: await readEnvFile(`${repoRoot}supabase/functions/.env`),
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
Deno.exit(code);
