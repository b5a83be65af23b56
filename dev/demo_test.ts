// The demo: its options and report formatting, and two real runs at a tiny scale over the
// whole local stack (one that exits by itself, one stopped with Ctrl-C), checking the summary
// and that nothing it started is left behind.
import assert from "node:assert/strict";
import { describeRateLimit, parseDemoArgs } from "./demo_args.ts";
import { isPortFree } from "./demo_processes.ts";
import { formatSummaryTable, ProgressDisplay } from "./demo_report.ts";
import { repoRoot } from "./paths.ts";

Deno.test("demo options: defaults, --scale, and bad values named", () => {
  const defaults = parseDemoArgs([]);
  assert.equal(defaults.scale, "medium");
  assert.equal(defaults.apiPort, 54321);
  assert.equal(defaults.exitWhenDone, false);
  assert.deepEqual(parseDemoArgs(["--", "--scale", "1200"]).scale, { sales: 1200 });
  assert.equal(parseDemoArgs(["--scale", "small", "--no-dashboard"]).dashboard, false);
  assert.throws(() => parseDemoArgs(["--scale", "huge"]), /--scale must be/);
  assert.throws(() => parseDemoArgs(["--time-scale", "0"]), /--time-scale must be/);
  assert.throws(() => parseDemoArgs(["--bogus"]), /bogus/);
});

Deno.test("demo says when the rate limit is time-scaled", () => {
  assert.match(describeRateLimit(3, 10), /time-scaled x10: 950 requests .* per 30 s/);
  assert.match(describeRateLimit(1, 1), /350 requests per 5 minutes/);
});

Deno.test("summary table has every column and a total line", () => {
  const table = formatSummaryTable([
    { entity: "sales", rows: 1500, pages: 3, requests: 4, rateLimited: 1, rejected: 2, seconds: 2 },
    {
      entity: "customers",
      rows: 80,
      pages: 1,
      requests: 2,
      rateLimited: 0,
      rejected: 0,
      seconds: 1,
    },
  ], 3.25);
  const lines = table.split("\n");
  assert.match(lines[0], /entity\s+rows\s+pages\s+requests\s+429s\s+rejected\s+seconds/);
  assert.match(table, /sales\s+1,500\s+3\s+4\s+1\s+2\s+2\.0/);
  assert.match(lines.at(-1)!, /total\s+1,580\s+4\s+6\s+1\s+2\s+3\.3/);
});

Deno.test("progress without a terminal prints a line per status change", () => {
  const out: string[] = [];
  const display = new ProgressDisplay(false, (text) => out.push(text));
  const row = { entity: "sales", status: "running", records: 0, pages: 0 };
  display.update([row]);
  display.update([{ ...row, records: 500, pages: 1 }]); // same status, too soon: quiet
  display.update([{ ...row, status: "completed", records: 900, pages: 2 }]);
  assert.equal(out.length, 2);
  assert.match(out[1], /\[done\] sales\s+900 records\s+2 pages\s+completed/);
  const tty: string[] = [];
  const live = new ProgressDisplay(true, (text) => tty.push(text));
  live.update([row]);
  live.update([row]);
  assert.ok(tty[1].startsWith("\x1b[2A")); // redrawn in place
});

Deno.test("progress lines keep their columns for the longest entity name", () => {
  const out: string[] = [];
  const display = new ProgressDisplay(false, (text) => out.push(text));
  display.update([
    { entity: "sales", status: "running", records: 12, pages: 1 },
    { entity: "customer_groups", status: "running", records: 3, pages: 1 },
  ]);
  const columns = out.join("").split("\n").filter((line) => line !== "")
    .map((line) => line.indexOf(" records"));
  assert.equal(columns.length, 2);
  assert.equal(columns[0], columns[1]);
  assert.ok(columns[0] > 0);
});

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function startDemo(extra: string[], envFile: string) {
  const ports = { api: freePort(), simulator: freePort(), dashboard: freePort() };
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "dev/demo.ts",
      "--scale",
      "150",
      "--time-scale",
      "100",
      "--latency-ms",
      "5",
      "--api-port",
      String(ports.api),
      "--simulator-port",
      String(ports.simulator),
      "--dashboard-port",
      String(ports.dashboard),
      ...extra,
    ],
    cwd: repoRoot,
    env: { DEMO_FUNCTIONS_ENV_FILE: envFile, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) output += decoder.decode(chunk, { stream: true });
  })();
  const errors = new Response(child.stderr).text();
  return {
    child,
    ports,
    output: () => output,
    async waitFor(text: string, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline) {
          throw new Error(`demo never printed "${text}":\n${output}\n${await errors}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async finish() {
      const status = await child.status;
      await reading;
      return { status, output, errors: await errors };
    },
  };
}

function assertSummary(output: string) {
  assert.match(output, /time-scaled x100/);
  assert.match(output, /Historical import\n\s+entity\s+rows\s+pages\s+requests\s+429s\s+rejected/);
  assert.match(output, /\n\s+sales\s+150\s+1\s+2\s+0\s+0\s+[\d.]+\n/);
  assert.match(output, /Incremental sync after the store changes/);
  assert.match(output, /0 sent over the limit/);
  assert.match(output, /Every stored value equals the store's: \d+ rows compared, value by value/);
  assert.match(output, /Demo login:\s+\S+@\S+ \/ \S+/);
}

Deno.test({
  name: "demo runs end to end twice: exits when done, then stops cleanly on Ctrl-C",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const envFile = await Deno.makeTempFile({ suffix: ".env" });
    await Deno.remove(envFile);
    try {
      const first = await startDemo(["--exit-when-done", "--no-dashboard"], envFile);
      const done = await first.finish();
      assert.equal(done.status.code, 0, done.output + done.errors);
      assertSummary(done.output);
      assert.match(done.output, /Wrote supabase\/functions\/\.env/);
      assert.match(await Deno.readTextFile(envFile), /^SYNC_SECRET=[0-9a-f]{48}$/m);
      for (const port of Object.values(first.ports)) assert.ok(await isPortFree(port));

      const second = await startDemo([], envFile);
      await second.waitFor("Press Ctrl-C to stop.", 60_000);
      const url = second.output().match(/Dashboard:\s+(http:\S+)/)?.[1];
      assert.ok(url, second.output());
      const page = await fetch(url);
      assert.equal(page.status, 200);
      await page.body?.cancel();
      second.child.kill("SIGINT");
      const stopped = await second.finish();
      assert.equal(stopped.status.code, 0, stopped.output + stopped.errors);
      assertSummary(stopped.output);
      assert.doesNotMatch(stopped.output, /Wrote supabase\/functions\/\.env/);
      // The suite's database was running before the demo, so the demo leaves it up.
      assert.match(
        stopped.output,
        /Stopped: the API, the simulated store and the dashboard are down \(PostgreSQL was already running and stays up\)/,
      );
      for (const port of Object.values(second.ports)) assert.ok(await isPortFree(port));
    } finally {
      await Deno.remove(envFile).catch(() => {});
    }
  },
});
