// Installs the pinned toolchain (Deno, Supabase CLI) from its lock file when it is missing or
// out of date, so `npm test` and `npm run demo` need no install step before them.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const toolchainDir = dirname(fileURLToPath(import.meta.url));
const lockFile = join(toolchainDir, "package-lock.json");
const stampFile = join(toolchainDir, "node_modules", ".installed-lock-hash");
const lockHash = createHash("sha256").update(readFileSync(lockFile)).digest("hex");

const upToDate = existsSync(stampFile) && readFileSync(stampFile, "utf8") === lockHash &&
  existsSync(join(toolchainDir, "node_modules", ".bin", "deno"));

if (!upToDate) {
  console.log("Installing the pinned toolchain (deno, supabase CLI) with npm ci ...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: toolchainDir,
    stdio: "inherit",
  });
  writeFileSync(stampFile, lockHash);
}
