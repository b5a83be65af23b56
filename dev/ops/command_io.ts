// What the operator commands that call a function (`deno task invoke`, `deno task repair`) read
// and write: the process environment, the local stack's supabase/functions/.env, the console.
import { readEnvFile } from "../env_file.ts";
import { repoRoot } from "../paths.ts";
import type { InvokeIo } from "./invoke_function.ts";

export async function consoleCommandIo(): Promise<InvokeIo> {
  const envFilePath = "supabase/functions/.env";
  return {
    env: Deno.env.toObject(),
    envFile: await readEnvFile(`${repoRoot}${envFilePath}`),
    envFilePath,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  };
}
