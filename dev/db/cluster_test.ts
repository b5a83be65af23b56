// The local clusters on real PostgreSQL: durable settings where asked (and rewritten on an
// existing cluster), and a postmaster.pid whose pid now belongs to another live process is
// neither trusted ("already running") nor signalled. Each test has a throwaway cluster.
import assert from "node:assert/strict";
import { databaseUrlOf, type PgInstance, pgInstanceNamed } from "../paths.ts";
import { isRoot, runCommand } from "../run_command.ts";
import { freePort } from "../testing/functions_process.ts";
import { createDatabase } from "../../supabase/functions/_shared/database.ts";
import { pgBinDir } from "./system_packages.ts";
import {
  clusterExists,
  initCluster,
  isClusterRunning,
  removeCluster,
  startCluster,
  stopCluster,
} from "./cluster.ts";
import { pathExists } from "../path_helpers.ts";

async function withCluster(name: string, work: (instance: PgInstance) => Promise<void>) {
  const instance = pgInstanceNamed(`${name}-${Deno.pid}`, freePort());
  await removeCluster(instance);
  try {
    await initCluster(instance);
    await work(instance);
  } finally {
    if (clusterExists(instance)) await stopCluster(instance, "immediate").catch(() => {});
    await removeCluster(instance);
  }
}

async function durability(instance: PgInstance): Promise<string[]> {
  const sql = createDatabase(databaseUrlOf(instance), { max: 1 });
  try {
    const rows = await sql<{ setting: string }[]>`
      select setting from pg_settings
      where name in ('fsync', 'synchronous_commit', 'full_page_writes') order by name`;
    return rows.map((r) => r.setting);
  } finally {
    await sql.end();
  }
}

async function settingsBlocks(instance: PgInstance): Promise<number> {
  const conf = await Deno.readTextFile(`${instance.dataDir}/postgresql.conf`);
  return conf.split("# Written by dev/db/cluster.ts for the local stack.").length - 1;
}

Deno.test("a durable instance writes fsync, synchronous_commit and full_page_writes on, also over old settings", async () => {
  await withCluster("cluster-test-durable", async (fast) => {
    const durable: PgInstance = { ...fast, durable: true };
    assert.equal(await startCluster(fast), "started");
    assert.deepEqual(await durability(fast), ["off", "off", "off"], "the fast default");

    // Already running with the old settings: rewritten and reloaded (all three need no restart).
    assert.equal(await startCluster(durable), "already running");
    const deadline = Date.now() + 5000;
    while ((await durability(durable)).includes("off") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await durability(durable), ["on", "on", "on"]);

    // Stopped and started as the fast instance again: rewritten before the start.
    await stopCluster(fast);
    assert.equal(await startCluster(fast), "started");
    assert.deepEqual(await durability(fast), ["off", "off", "off"]);
    await stopCluster(fast);
    assert.equal(await startCluster(durable), "started");
    assert.deepEqual(await durability(durable), ["on", "on", "on"]);
    assert.equal(await settingsBlocks(durable), 1, "the block is replaced, never appended again");
  });
});

/** A live process of the OS user PostgreSQL runs as, standing for a reused pid. */
async function startSleeper(): Promise<{ pid: number; alive(): boolean; stop(): Promise<void> }> {
  const script = ["sh", "-c", "echo $$; exec sleep 120"];
  const [cmd, args] = isRoot()
    ? ["runuser", ["-u", "postgres", "--", ...script]]
    : [script[0], script.slice(1)];
  // From "/": the postgres user may not be able to enter our working folder.
  const child = new Deno.Command(cmd, { args, cwd: "/", stdout: "piped", stderr: "null" }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const pid = Number(new TextDecoder().decode(value).trim());
  assert.ok(pid > 0, "the sleeper printed its pid");
  const alive = () => {
    try {
      Deno.kill(pid, "SIGCONT");
      return true;
    } catch {
      return false;
    }
  };
  return {
    pid,
    alive,
    async stop() {
      if (alive()) Deno.kill(pid, "SIGKILL");
      // audit-allow: swallowed-error clean-up only: the killed sleeper may have closed the stream
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

async function writeStalePidFile(instance: PgInstance, pid: number): Promise<void> {
  const path = `${instance.dataDir}/postmaster.pid`;
  await Deno.writeTextFile(path, `${pid}\n${instance.dataDir}\n1700000000\n${instance.port}\n`);
  if (isRoot()) await runCommand("chown", ["postgres:postgres", path]);
}

Deno.test("a stale postmaster.pid naming another live process is removed, and that process is never signalled", async () => {
  await withCluster("cluster-test-stale", async (instance) => {
    const sleeper = await startSleeper();
    try {
      await writeStalePidFile(instance, sleeper.pid);
      // The situation itself: pg_ctl believes the pid, since it is alive.
      const [cmd, args] = isRoot()
        ? ["runuser", [
          "-u",
          "postgres",
          "--",
          `${pgBinDir}/pg_ctl`,
          "status",
          "-D",
          instance.dataDir,
        ]]
        : [`${pgBinDir}/pg_ctl`, ["status", "-D", instance.dataDir]];
      const status = await runCommand(cmd, args, { cwd: "/" });
      assert.equal(status.code, 0, "pg_ctl status says running");

      assert.equal(await isClusterRunning(instance), false);
      assert.equal(await startCluster(instance), "started");
      assert.ok(sleeper.alive(), "the unrelated process was left alone");
      assert.deepEqual(await durability(instance), ["off", "off", "off"], "it really answers");
      await stopCluster(instance);

      await writeStalePidFile(instance, sleeper.pid);
      assert.equal(await stopCluster(instance), "not running");
      assert.ok(sleeper.alive(), "stopping did not signal the unrelated process");
      assert.equal(pathExists(`${instance.dataDir}/postmaster.pid`), false, "stale file removed");
    } finally {
      await sleeper.stop();
    }
  });
});

Deno.test("a running cluster that does not answer on its port is reported with its pid file and the fix", async () => {
  await withCluster("cluster-test-silent", async (instance) => {
    assert.equal(await startCluster(instance), "started");
    const elsewhere: PgInstance = { ...instance, port: freePort() };
    await assert.rejects(
      () => startCluster(elsewhere),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^PostgreSQL of ${instance.dataDir} is running \\(pid \\d+, from ` +
              `${instance.dataDir}/postmaster\\.pid\\) but nothing answers on ` +
              `127\\.0\\.0\\.1:${elsewhere.port}\\. Stop it with "pg_ctl stop -D `,
          ),
        );
        return true;
      },
    );
    const conf = await Deno.readTextFile(`${instance.dataDir}/postgresql.conf`);
    assert.match(conf, new RegExp(`^port = ${instance.port}$`, "m"), "settings left alone");
  });
});
