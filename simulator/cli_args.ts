import { parseArgs } from "node:util";
import type { SimulatorOptions } from "./simulator.ts";

export const CLI_DEFAULT_PORT = 54330;

/** Turns `--port 54330 --seed 1 --scale demo ...` into simulator options. */
export function parseCliArgs(args: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: args[0] === "--" ? args.slice(1) : args,
    options: {
      port: { type: "string" },
      hostname: { type: "string" },
      seed: { type: "string" },
      scale: { type: "string" },
      outlets: { type: "string" },
      registers: { type: "string" },
      "time-scale": { type: "string" },
      token: { type: "string" },
      "forbidden-token": { type: "string" },
      "empty-page-version": { type: "string" },
      "retry-after": { type: "string" },
      "latency-base-ms": { type: "string" },
      "latency-per-record-ms": { type: "string" },
    },
    strict: true,
  });
  const number = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`Option --${name} must be a number`);
    return value;
  };
  const scale = values.scale === undefined
    ? undefined
    : /^\d+$/.test(values.scale)
    ? { sales: Number(values.scale) }
    : values.scale;
  const seed = values.seed === undefined
    ? undefined
    : /^\d+$/.test(values.seed)
    ? Number(values.seed)
    : values.seed;
  const baseMs = number("latency-base-ms", values["latency-base-ms"]);
  const perRecordMs = number("latency-per-record-ms", values["latency-per-record-ms"]);
  const options: Record<string, unknown> = {
    port: number("port", values.port) ?? CLI_DEFAULT_PORT,
    hostname: values.hostname,
    seed,
    scale,
    outlets: number("outlets", values.outlets),
    registers: number("registers", values.registers),
    timeScale: number("time-scale", values["time-scale"]),
    token: values.token,
    forbiddenToken: values["forbidden-token"],
    emptyPageVersion: values["empty-page-version"],
    retryAfter: values["retry-after"],
    latency: baseMs !== undefined || perRecordMs !== undefined
      ? { baseMs: baseMs ?? 0, perRecordMs: perRecordMs ?? 0 }
      : undefined,
  };
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as SimulatorOptions;
}
