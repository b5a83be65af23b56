// Installs the SQL-only stand-ins for pg_net and supabase_vault into PostgreSQL's extension
// folder, so migrations written for Supabase (`create extension pg_net ...`) run unchanged.
import { fromFileUrl } from "../path_helpers.ts";
import { isRoot, runChecked } from "../run_command.ts";
import { pgShareDir } from "./system_packages.ts";

const sourceDir = fromFileUrl(new URL("./extensions/", import.meta.url));
const targetDir = `${pgShareDir}/extension`;

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

export async function installLocalExtensions(): Promise<void> {
  const stale: string[] = [];
  for await (const entry of Deno.readDir(sourceDir)) {
    const wanted = await Deno.readTextFile(`${sourceDir}/${entry.name}`);
    if ((await readOrEmpty(`${targetDir}/${entry.name}`)) !== wanted) stale.push(entry.name);
  }
  if (stale.length === 0) return;
  if (!isRoot()) {
    const files = stale.map((name) => `${sourceDir}${name}`).join(" ");
    throw new Error(
      `The local pg_net and Vault stand-ins are not installed in ${targetDir}\n` +
        `Run as root: sudo cp ${files} ${targetDir}/`,
    );
  }
  for (const name of stale) {
    await runChecked("cp", [`${sourceDir}${name}`, `${targetDir}/${name}`]);
  }
}
