// Makes sure the Debian packages the local stack needs are present, installing them with
// apt-get when running as root, and otherwise naming the exact command to run.
import { isRoot, runChecked } from "../run_command.ts";
import { pathExists } from "../path_helpers.ts";

export const pgBinDir = "/usr/lib/postgresql/15/bin";
export const pgShareDir = "/usr/share/postgresql/15";

interface Requirement {
  debianPackage: string;
  presentWhen: string;
}

const requirements: Requirement[] = [
  { debianPackage: "postgresql-15", presentWhen: `${pgBinDir}/postgres` },
  { debianPackage: "postgresql-15-cron", presentWhen: `${pgShareDir}/extension/pg_cron.control` },
  { debianPackage: "postgresql-15-pgtap", presentWhen: `${pgShareDir}/extension/pgtap.control` },
  {
    debianPackage: "postgresql-15-plpgsql-check",
    presentWhen: `${pgShareDir}/extension/plpgsql_check.control`,
  },
  { debianPackage: "libtap-parser-sourcehandler-pgtap-perl", presentWhen: "/usr/bin/pg_prove" },
];

/** Installs missing Debian packages (root) or explains how (everyone else). */
export async function ensureDebianPackages(extra: Requirement[] = []): Promise<void> {
  const missing = [...requirements, ...extra].filter((r) => !pathExists(r.presentWhen));
  if (missing.length === 0) return;
  const names = missing.map((r) => r.debianPackage);
  const command = `apt-get update && apt-get install -y ${names.join(" ")}`;
  if (!isRoot()) {
    throw new Error(
      `Missing Debian packages: ${names.join(", ")}\nRun as root: sudo sh -c '${command}'`,
    );
  }
  console.log(`Installing Debian packages: ${names.join(", ")}`);
  await runChecked("apt-get", ["update", "-q"], { env: { DEBIAN_FRONTEND: "noninteractive" } });
  await runChecked("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...names], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

export const chromiumRequirement: Requirement = {
  debianPackage: "chromium",
  presentWhen: "/usr/bin/chromium",
};

/**
 * The local stand-in for Supabase's transaction pooler (dev/db/pooler.ts): Debian's PgBouncer,
 * the version the distribution ships (1.18 on bookworm, like postgresql-15 above): before 1.21
 * it keeps no prepared statements in transaction mode, as strict as Supavisor.
 */
export const pgbouncerRequirement: Requirement = {
  debianPackage: "pgbouncer",
  presentWhen: "/usr/sbin/pgbouncer",
};
