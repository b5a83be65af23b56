// deno run -A bench/profile.ts [sales]: where the sync's own CPU goes during a sales import.
// The store's pages are recorded once (bench/page_replay.ts); then a child process runs the real
// sync engine in-process (dev/testing/in_process_sync.ts) under V8's --cpu-prof and imports
// them three times from memory, so the profile holds the engine and not the simulator. (Under
// functions:serve each function runs in a worker thread, which --cpu-prof does not sample.)
// Prints CPU per 1,000 sales and the self time by part (database driver, Lightspeed client,
// garbage collection, ...) and by function.
import { resetSyncData } from "../dev/testing/database.ts";
import { inProcessSync } from "../dev/testing/in_process_sync.ts";
import { type RunningSimulator, startSimulator } from "../simulator/mod.ts";
import { createDatabase } from "../supabase/functions/_shared/database.ts";
import { benchDatabaseUrl, startBenchDatabase, stopBenchDatabase } from "./isolated_db.ts";
import { startPageReplay } from "./page_replay.ts";

const REPEATS = 3;
const TIME_SCALE = 1000;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// The part of the program a sample belongs to, by the files on its stack (first match wins).
const parts: [string, RegExp][] = [
  ["page replay (this bench)", /page_replay\.ts|00_serve\.ts/],
  ["database driver (postgres.js)", /npm\/registry\.npmjs\.org\/postgres\//],
  ["Lightspeed client (HTTP, reading replies)", /lightspeed\/|npm\/registry\.npmjs\.org\/ky\//],
  ["sync engine (validation, SQL)", /_shared\/(sync|entities)\//],
];

if (Deno.args[0] === "--child") await profiledImports();
else await main(Number(Deno.args[0] ?? 15_000));

async function main(sales: number) {
  const dir = await Deno.makeTempDir({ prefix: "bench-profile-" });
  await startBenchDatabase();
  const sql = createDatabase(benchDatabaseUrl, { max: 2 });
  const store = await startSimulator({
    seed: 1,
    scale: { sales },
    registers: 3,
    timeScale: TIME_SCALE,
  });
  const replay = startPageReplay(store.apiBaseUrl);
  try {
    await resetSyncData(sql);
    const recording = await inProcessSync(sql, withApi(store, replay.apiBaseUrl), {
      timeScale: TIME_SCALE,
    })("sales");
    replay.replay();
    console.log(
      `${recording.records} sales recorded: ${replay.pages} pages, ${replay.bytes} bytes`,
    );
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--cpu-prof", `--cpu-prof-dir=${dir}`, import.meta.filename!, "--child"],
      env: {
        PROFILE_DATABASE_URL: benchDatabaseUrl,
        PROFILE_API_BASE_URL: replay.apiBaseUrl,
        PROFILE_TOKEN: store.token,
      },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!child.success) throw new Error(`the profiled imports failed (exit ${child.code})`);
    for await (const entry of Deno.readDir(dir)) {
      report(JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`)), recording.records);
    }
  } finally {
    await replay.stop();
    await store.stop();
    await sql.end({ timeout: 5 });
    await stopBenchDatabase();
    await Deno.remove(dir, { recursive: true });
  }
}

function withApi(store: RunningSimulator, apiBaseUrl: string): RunningSimulator {
  return { ...store, apiBaseUrl };
}

/** The child: the engine imports the recorded sales REPEATS times, each into emptied tables. */
async function profiledImports() {
  const sql = createDatabase(Deno.env.get("PROFILE_DATABASE_URL")!, { max: 2 });
  const api = {
    apiBaseUrl: Deno.env.get("PROFILE_API_BASE_URL")!,
    token: Deno.env.get("PROFILE_TOKEN")!,
  } as RunningSimulator;
  try {
    const sync = inProcessSync(sql, api, { timeScale: TIME_SCALE });
    for (let i = 1; i <= REPEATS; i++) {
      await resetSyncData(sql);
      const started = performance.now();
      const run = await sync("sales");
      if (run.status !== "completed") throw new Error(`import ${i}: ${JSON.stringify(run)}`);
      console.log(
        `import ${i}: ${run.records} sales in ${Math.round(performance.now() - started)} ms`,
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function report(profile: CpuProfile, sales: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i]));
  const byPart = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    busyUs += us;
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      stack.push(byId.get(at)!.callFrame.url);
    }
    const part = functionName === "(garbage collector)"
      ? "garbage collection"
      : parts.find(([, files]) => stack.some((file) => files.test(file)))?.[0] ??
        "other (runtime, streams)";
    byPart.set(part, (byPart.get(part) ?? 0) + us);
    const file = url.replace(/^.*\/(registry\.npmjs\.org|functions|bench|dev|ext:)\/?/, "");
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  // Recorded once, imported REPEATS times: per 1,000 sales of the imports.
  const per1000 = (us: number) => ((us / 1000) / (sales * REPEATS / 1000)).toFixed(1);
  console.log(`\nCPU on the profiled thread: ${per1000(busyUs)} ms per 1,000 sales`);
  for (const [part, us] of [...byPart].sort((a, b) => b[1] - a[1])) {
    console.log(`${per1000(us).padStart(7)} ms  ${part}`);
  }
  console.log("\nBy function (self time, ms per 1,000 sales):");
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${per1000(us).padStart(7)}  ${key}`);
  }
}
