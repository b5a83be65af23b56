// Command-line options of `npm run demo` / `deno task demo -- ...`.
import { parseArgs } from "node:util";
import type { ScaleOption } from "../simulator/mod.ts";

export interface DemoOptions {
  /** Store size: a simulator preset or a number of sales. */
  scale: ScaleOption;
  seed: number;
  registers: number;
  /** Divides Lightspeed's 5-minute rate-limit window, and only that. */
  timeScale: number;
  /** Simulated Lightspeed latency per request and per record returned. */
  latency: { baseMs: number; perRecordMs: number };
  /** Skip the Ctrl-C wait: stop everything once the summary is printed (tests, CI). */
  exitWhenDone: boolean;
  dashboard: boolean;
  /** Sync the store configured in supabase/functions/.env instead of the simulator. */
  realStore: boolean;
  apiPort: number;
  simulatorPort: number;
  dashboardPort: number;
}

// Medium: 50,000 sales (about 225,000 line items), 6,250 customers, about 2,500 products;
// with the latency below the whole demo takes about a minute on 2 cores (46 s measured).
export const DEFAULT_DEMO_OPTIONS: DemoOptions = {
  scale: "medium",
  seed: 1,
  registers: 3,
  timeScale: 10,
  latency: { baseMs: 150, perRecordMs: 0.4 },
  exitWhenDone: false,
  dashboard: true,
  realStore: false,
  apiPort: 54321,
  simulatorPort: 54330,
  dashboardPort: 5001,
};

export const DEMO_USAGE = `Usage: npm run demo [-- options]   (or: deno task demo [options])
  --scale demo|small|medium|large|<sales>   store size (default medium: 50,000 sales)
  --time-scale N        divide Lightspeed's 5-minute rate-limit window by N (default 10)
  --registers N         registers in the simulated store; the limit is 300 x N + 50 (default 3)
  --seed N              simulator seed (default 1)
  --latency-ms N        simulated latency per request (default 150)
  --latency-per-record-ms N   extra latency per record returned (default 0.4)
  --real-store          sync the Lightspeed store in supabase/functions/.env (no simulator)
  --no-dashboard        do not start the dashboard
  --exit-when-done      stop everything after the summary instead of waiting for Ctrl-C
  --api-port N, --simulator-port N, --dashboard-port N   (defaults 54321, 54330, 5001)`;

export class DemoUsageError extends Error {}

export function parseDemoArgs(args: string[]): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: args[0] === "--" ? args.slice(1) : args,
      options: {
        scale: { type: "string" },
        "time-scale": { type: "string" },
        registers: { type: "string" },
        seed: { type: "string" },
        "latency-ms": { type: "string" },
        "latency-per-record-ms": { type: "string" },
        "real-store": { type: "boolean" },
        "no-dashboard": { type: "boolean" },
        "exit-when-done": { type: "boolean" },
        "api-port": { type: "string" },
        "simulator-port": { type: "string" },
        "dashboard-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new DemoUsageError("");
  const d = DEFAULT_DEMO_OPTIONS;
  const num = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) {
      throw new DemoUsageError(`--${name} must be a number of at least ${min}, got "${raw}"`);
    }
    return value;
  };
  return {
    scale: parseScale(values.scale) ?? d.scale,
    seed: num("seed", values.seed, d.seed, 0),
    registers: Math.round(num("registers", values.registers, d.registers, 1)),
    timeScale: num("time-scale", values["time-scale"], d.timeScale, 0.001),
    latency: {
      baseMs: num("latency-ms", values["latency-ms"], d.latency.baseMs, 0),
      perRecordMs: num(
        "latency-per-record-ms",
        values["latency-per-record-ms"],
        d.latency.perRecordMs,
        0,
      ),
    },
    exitWhenDone: values["exit-when-done"] ?? false,
    dashboard: !(values["no-dashboard"] ?? false),
    realStore: values["real-store"] ?? false,
    apiPort: num("api-port", values["api-port"], d.apiPort, 0),
    simulatorPort: num("simulator-port", values["simulator-port"], d.simulatorPort, 0),
    dashboardPort: num("dashboard-port", values["dashboard-port"], d.dashboardPort, 0),
  };
}

function parseScale(raw: string | undefined): ScaleOption | undefined {
  if (raw === undefined) return undefined;
  if (/^\d+$/.test(raw)) return { sales: Number(raw) };
  if (raw === "demo" || raw === "small" || raw === "medium" || raw === "large") return raw;
  throw new DemoUsageError(
    `--scale must be demo, small, medium, large or a number of sales, got "${raw}"`,
  );
}

/** Lightspeed's rule: 300 requests per register plus 50, per 5 minutes. */
export function rateLimitFor(registers: number): number {
  return 300 * registers + 50;
}

/** The rate-limit sentence the demo prints, so nobody mistakes a scaled run for a real one. */
export function describeRateLimit(registers: number, timeScale: number): string {
  const limit = rateLimitFor(registers);
  const windowS = 300 / timeScale;
  if (timeScale === 1) {
    return `Lightspeed's rule: ${limit} requests per 5 minutes (300 x ${registers} registers + 50)`;
  }
  return `Lightspeed's rule, time-scaled x${timeScale}: ${limit} requests (300 x ${registers} ` +
    `registers + 50) per ${formatSeconds(windowS)} instead of per 5 minutes`;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds} s` : `${seconds.toFixed(1)} s`;
}
