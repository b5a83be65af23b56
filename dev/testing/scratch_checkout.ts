// A scratch copy of this repository for a test that changes the product itself (such as
// adding_an_entity_test.ts, which adds an entity): the files the functions, the migrations, the
// dashboard and the local stand-ins run from, in a temporary folder. The toolchain (the Supabase
// CLI) and the database password are shared with this checkout, and the copy's modules can be
// imported into the test, so what runs is the copy's code, not this checkout's.
import { pathToFileURL } from "node:url";
import { join, pathExists } from "../path_helpers.ts";
import { localDb, repoRoot } from "../paths.ts";

/** What the copy holds: everything the product and its local stack run from. */
const copiedPaths = ["deno.json", "deno.lock", "supabase", "dev", "dashboard", "simulator"];
/** Generated, installed or private: never copied (a real .env may hold secrets). */
const skippedNames = new Set(["node_modules", ".local", ".temp", "dist", "test-artifacts", ".env"]);

export interface ScratchCheckout {
  root: string;
  /** The absolute path of a file of the copy. */
  path(relative: string): string;
  /** Imports a module of the copy (type it with `typeof import("<this checkout's file>")`). */
  import<T>(relative: string): Promise<T>;
  remove(): Promise<void>;
}

export async function makeScratchCheckout(): Promise<ScratchCheckout> {
  const root = await Deno.makeTempDir({ prefix: "scratch-checkout-" });
  for (const relative of copiedPaths) {
    await copyTree(join(repoRoot, relative), join(root, relative));
  }
  const toolchain = join(repoRoot, "dev", "toolchain", "node_modules");
  if (pathExists(toolchain)) {
    await Deno.symlink(toolchain, join(root, "dev", "toolchain", "node_modules"));
  }
  // The clusters' password, so the copy's stand-ins log in where this checkout's do.
  await Deno.mkdir(join(root, ".local"));
  await Deno.writeTextFile(join(root, ".local", "db-password"), `${localDb.password}\n`, {
    mode: 0o600,
  });
  const path = (relative: string) => join(root, relative);
  return {
    root,
    path,
    import: (relative) => import(pathToFileURL(path(relative)).href),
    remove: () => Deno.remove(root, { recursive: true }),
  };
}

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.lstat(from);
  if (info.isFile) return await Deno.copyFile(from, to);
  if (!info.isDirectory) return;
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (skippedNames.has(entry.name)) continue;
    await copyTree(join(from, entry.name), join(to, entry.name));
  }
}
