// A checkout the postgres OS user cannot enter (a mode-700 folder, like root's home): its
// cluster lives outside it, works end to end, is found again at the same place, and nothing in
// the checkout's folders had its mode or owner changed. A throwaway cluster on a free port.
import assert from "node:assert/strict";
import nodePath from "node:path";
import { databaseUrlOf, type PgInstance, pgInstanceNamed } from "../paths.ts";
import { join } from "../path_helpers.ts";
import { isRoot, runCommand } from "../run_command.ts";
import { freePort } from "../testing/functions_process.ts";
import { createDatabase } from "../../supabase/functions/_shared/database.ts";
import {
  clusterExists,
  initCluster,
  isClusterRunning,
  removeCluster,
  startCluster,
  stopCluster,
} from "./cluster.ts";
import { clusterHome, isOutsideCheckout, outsideCheckoutRoot } from "./cluster_home.ts";

/** Mode and owner of every folder and file under `dir` (and of `dir` itself). */
async function modesUnder(dir: string): Promise<Map<string, string>> {
  const modes = new Map<string, string>();
  const visit = async (path: string) => {
    const info = await Deno.lstat(path);
    modes.set(path, `${(info.mode! & 0o7777).toString(8)} ${info.uid}:${info.gid}`);
    if (!info.isDirectory) return;
    for await (const entry of Deno.readDir(path)) await visit(join(path, entry.name));
  };
  await visit(dir);
  return modes;
}

async function postgresCanEnter(dir: string): Promise<boolean> {
  const probe = await runCommand("runuser", ["-u", "postgres", "--", "test", "-x", dir], {
    cwd: "/",
  });
  return probe.code === 0;
}

async function answer(instance: PgInstance): Promise<string> {
  const sql = createDatabase(databaseUrlOf(instance), { max: 1 });
  try {
    const [row] = await sql<{ dir: string }[]>`select current_setting('data_directory') as dir`;
    return row.dir;
  } finally {
    await sql.end();
  }
}

async function removeOutsideFolders(instance: PgInstance): Promise<void> {
  await removeCluster(instance);
  // The per-checkout folder, now empty (non-recursive: never another checkout's clusters).
  if (isOutsideCheckout(instance.homeDir)) {
    // audit-allow: swallowed-error clean-up only: another checkout's clusters may keep the folder
    await Deno.remove(nodePath.dirname(instance.homeDir)).catch(() => {});
  }
}

Deno.test("a cluster of a checkout in a mode-700 folder initialises, starts, answers and stops without chmod", async () => {
  const closed = await Deno.makeTempDir({ prefix: "lsync-700-" });
  await Deno.chmod(closed, 0o700);
  const checkout = join(closed, "checkout");
  await Deno.mkdir(checkout);
  const instance = pgInstanceNamed(`home-test-${Deno.pid}`, freePort(), { checkoutRoot: checkout });
  const before = await modesUnder(closed);
  try {
    if (isRoot()) {
      assert.equal(
        await postgresCanEnter(closed),
        false,
        "the folder is really closed to postgres",
      );
      assert.ok(isOutsideCheckout(instance.homeDir), `outside the checkout: ${instance.homeDir}`);
      assert.ok(instance.homeDir.startsWith(`${outsideCheckoutRoot}/`));
    } else {
      // Not root: PostgreSQL runs as ourselves, who can enter our own folders.
      assert.equal(instance.homeDir, join(checkout, ".local", `home-test-${Deno.pid}`));
    }

    await initCluster(instance);
    assert.equal(await startCluster(instance), "started");
    assert.equal(await answer(instance), instance.dataDir, "it answers, from its own data folder");
    if (isRoot()) {
      const home = await Deno.stat(instance.homeDir);
      assert.equal((home.mode! & 0o777).toString(8), "700", "the outside folder is mode 700");
      assert.equal(home.uid, Number((await runCommand("id", ["-u", "postgres"])).stdout));
    }

    // Found again at the same place (start, stop and reset run in separate processes).
    const again = pgInstanceNamed(`home-test-${Deno.pid}`, instance.port, {
      checkoutRoot: checkout,
    });
    assert.equal(again.homeDir, instance.homeDir);
    assert.equal(await isClusterRunning(again), true);
    assert.equal(await stopCluster(again), "stopped");
    assert.equal(await isClusterRunning(instance), false);

    const after = await modesUnder(closed);
    for (const [path, mode] of before) assert.equal(after.get(path), mode, `${path} untouched`);
    if (isRoot()) assert.deepEqual([...after.keys()], [...before.keys()], "nothing made inside");
  } finally {
    if (clusterExists(instance)) await stopCluster(instance, "immediate").catch(() => {});
    await removeOutsideFolders(instance);
    await Deno.remove(closed, { recursive: true });
  }
});

Deno.test("a checkout the postgres user can enter keeps its clusters in .local", async () => {
  const open = await Deno.makeTempDir({ prefix: "lsync-755-" });
  try {
    await Deno.chmod(open, 0o755);
    assert.equal(clusterHome(open, "postgres"), join(open, ".local", "postgres"));
  } finally {
    await Deno.remove(open, { recursive: true });
  }
});
