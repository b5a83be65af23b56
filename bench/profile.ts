// deno run -A bench/profile.ts [sales]: where the functions' CPU goes during a sales import.
// Runs functions:serve under --cpu-prof, imports the sales of a simulated store, and prints
// the functions with the most self time (V8 samples, aggregated by function and file).
import { resetSyncData } from "../dev/testing/database.ts";
import { createDatabase } from "../supabase/functions/_shared/database.ts";
import { benchDatabaseUrl, startBenchDatabase, stopBenchDatabase } from "./isolated_db.ts";
import { readCpuMs } from "./proc_stats.ts";
import { importAndWait, startFunctions, startStore } from "./stack.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const sales = Number(Deno.args[0] ?? 50_000);
const dir = await Deno.makeTempDir({ prefix: "bench-profile-" });
await startBenchDatabase();
const sql = createDatabase(benchDatabaseUrl, { max: 2 });
const store = await startStore({ scale: { sales }, registers: 3, timeScale: 200 });
try {
  await resetSyncData(sql);
  const functions = await startFunctions(store, 200, {}, [`--cpu-prof`, `--cpu-prof-dir=${dir}`]);
  await importAndWait(functions, sql, ["outlets", "registers", "products", "customers"]);
  const cpu = readCpuMs(functions.pid);
  const { ms } = await importAndWait(functions, sql, ["sales"]);
  const salesCpu = readCpuMs(functions.pid) - cpu;
  await functions.stop();
  console.log(`${sales} sales: ${(ms / 1000).toFixed(1)} s, ${salesCpu} ms CPU`);
  for await (const entry of Deno.readDir(dir)) {
    const profile = JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    const nodes: ProfileNode[] = profile.nodes;
    const total = nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const bySelf = new Map<string, number>();
    for (const node of nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url.replace(/^.*\/(node_modules|work\/main)\//, "");
      const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
      bySelf.set(key, (bySelf.get(key) ?? 0) + (node.hitCount ?? 0));
    }
    console.log(`${entry.name}: ${total} samples`);
    for (const [key, hits] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
    }
  }
} finally {
  await store.stop();
  await sql.end({ timeout: 5 });
  await stopBenchDatabase();
  await Deno.remove(dir, { recursive: true });
}
