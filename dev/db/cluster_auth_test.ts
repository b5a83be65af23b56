// The local clusters ask for a password on TCP: a new cluster from the start, and a cluster
// made when they still trusted every local connection once it starts again, its data kept.
// Throwaway clusters on free ports; the shared 54322 is never touched.
import assert from "node:assert/strict";
import { databaseUrlOf, type PgInstance, pgInstanceNamed } from "../paths.ts";
import { isRoot, runCommand } from "../run_command.ts";
import { freePort } from "../testing/functions_process.ts";
import { pgBinDir } from "./system_packages.ts";
import { clusterExists, initCluster, removeCluster, startCluster, stopCluster } from "./cluster.ts";
import { trustsConnections, withPasswordsRequired } from "./cluster_auth.ts";

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

/** psql over TCP as `url` says (never prompting): the answer, or the error. */
async function query(url: string, sql: string): Promise<{ ok: boolean; output: string }> {
  const result = await runCommand(`${pgBinDir}/psql`, ["-X", "-w", "-Atc", sql, url], {
    env: { PGPASSWORD: "", PGCONNECT_TIMEOUT: "5" },
  });
  return { ok: result.code === 0, output: (result.stdout + result.stderr).trim() };
}

function withoutPassword(instance: PgInstance): string {
  return `postgresql://${instance.user}@${instance.host}:${instance.port}/${instance.database}`;
}

function withPassword(instance: PgInstance, password: string): string {
  return databaseUrlOf({ ...instance, password });
}

/** pg_ctl as the OS user PostgreSQL runs as. */
async function pgCtl(instance: PgInstance, action: string): Promise<void> {
  const args = [action, "-D", instance.dataDir];
  const [command, all] = isRoot()
    ? ["runuser", ["-u", "postgres", "--", `${pgBinDir}/pg_ctl`, ...args]]
    : [`${pgBinDir}/pg_ctl`, args];
  const result = await runCommand(command, all, { cwd: "/" });
  assert.equal(result.code, 0, result.stderr);
}

async function assertPasswordRequired(instance: PgInstance): Promise<void> {
  const bare = await query(withoutPassword(instance), "select 1");
  assert.equal(bare.ok, false, "no password: refused");
  assert.match(bare.output, /no password supplied|password authentication failed/);
  const wrong = await query(withPassword(instance, "not-the-password"), "select 1");
  assert.equal(wrong.ok, false, "a wrong password: refused");
  assert.match(wrong.output, /password authentication failed for user "postgres"/);
  assert.deepEqual(await query(databaseUrlOf(instance), "select 1"), { ok: true, output: "1" });
}

Deno.test("a new cluster refuses TCP connections without the checkout's password", async () => {
  await withCluster("cluster-auth-new", async (instance) => {
    assert.equal(await startCluster(instance), "started");
    await assertPasswordRequired(instance);
    const hba = await Deno.readTextFile(`${instance.dataDir}/pg_hba.conf`);
    assert.equal(trustsConnections(hba), false);
  });
});

Deno.test("a cluster that trusted connections asks for the password once started again, data kept", async () => {
  await withCluster("cluster-auth-upgrade", async (instance) => {
    const hbaFile = `${instance.dataDir}/pg_hba.conf`;
    const asInitdbTrust = (hba: string) => hba.replaceAll("scram-sha-256", "trust");
    assert.equal(await startCluster(instance), "started");
    await query(databaseUrlOf(instance), "create table kept (n int); insert into kept values (42)");

    // As an older checkout left it: trust everywhere, and a superuser without a password.
    await query(databaseUrlOf(instance), "alter role postgres password null");
    await Deno.writeTextFile(hbaFile, asInitdbTrust(await Deno.readTextFile(hbaFile)));
    await pgCtl(instance, "reload");
    await waitFor(async () => (await query(withoutPassword(instance), "select 1")).ok);

    assert.equal(await startCluster(instance), "already running");
    await waitFor(async () => !(await query(withoutPassword(instance), "select 1")).ok);
    await assertPasswordRequired(instance);
    assert.deepEqual(await query(databaseUrlOf(instance), "select n from kept"), {
      ok: true,
      output: "42",
    });

    // Stopped while trusting: brought in line by the next start as well.
    await query(databaseUrlOf(instance), "alter role postgres password null");
    await Deno.writeTextFile(hbaFile, asInitdbTrust(await Deno.readTextFile(hbaFile)));
    await stopCluster(instance);
    assert.equal(await startCluster(instance), "started");
    await assertPasswordRequired(instance);
  });
});

Deno.test("withPasswordsRequired() turns every trust rule into scram-sha-256 and keeps comments", () => {
  const hba = [
    "# TYPE  DATABASE  USER  ADDRESS  METHOD",
    "# trust is the method of the lines below",
    "local   all       all            trust",
    "host    all       all   127.0.0.1/32  trust  # loopback",
    "host    replication all ::1/128   trust",
  ].join("\n");
  assert.equal(trustsConnections(hba), true);
  const after = withPasswordsRequired(hba);
  assert.equal(
    after,
    [
      "# TYPE  DATABASE  USER  ADDRESS  METHOD",
      "# trust is the method of the lines below",
      "local   all       all            scram-sha-256",
      "host    all       all   127.0.0.1/32  scram-sha-256  # loopback",
      "host    replication all ::1/128   scram-sha-256",
    ].join("\n"),
  );
  assert.equal(trustsConnections(after), false);
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not reached within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
