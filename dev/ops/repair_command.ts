// `deno task repair …`: the operator's repairs (README "Repair") through the repair function,
// with the x-sync-secret header like `deno task invoke`. A repair that does not fit one
// invocation is continued here, call after call, until it is done; each step prints one line.
import {
  callFunction,
  describeStatus,
  InvokeError,
  type InvokeIo,
  resolveTarget,
} from "./invoke_function.ts";

export const repairUsage = [
  "Usage: deno task repair <action> …",
  "  reread <entity>                      read the entity again from the beginning",
  "  record <entity> <id>                 re-fetch one record (a sale with its lines)",
  "  sales <from> <to> [--time-zone=Z]    re-fetch the sales of local dates YYYY-MM-DD",
  "  rejects <entity>                     retry the entity's open rejects",
  "  continue <repair-id>                 go on with a repair that stopped early",
].join("\n");

/** The repair function's body for the command line. */
export function repairBody(args: string[]): Record<string, unknown> {
  const zoneFlag = args.find((a) => a.startsWith("--time-zone="));
  const [action, ...rest] = args.filter((a) => a !== zoneFlag);
  const expect = (count: number) => {
    if (rest.length !== count) throw new InvokeError(repairUsage);
    return rest;
  };
  if (zoneFlag && action !== "sales") throw new InvokeError(repairUsage);
  switch (action) {
    case "reread":
    case "rejects":
      return { action, entity: expect(1)[0] };
    case "record": {
      const [entity, id] = expect(2);
      return { action, entity, id };
    }
    case "sales": {
      const [from, to] = expect(2);
      const timeZone = zoneFlag?.slice("--time-zone=".length);
      return { action: "sales_range", from, to, ...(timeZone ? { time_zone: timeZone } : {}) };
    }
    case "continue": {
      const id = Number(expect(1)[0]);
      if (!Number.isSafeInteger(id) || id < 1) throw new InvokeError(repairUsage);
      return { continue: id };
    }
    default:
      throw new InvokeError(repairUsage);
  }
}

interface StepReply {
  repair_id?: number;
  status?: string;
  more?: boolean;
  progress?: unknown;
  error?: string;
}

/** Runs the command; returns the exit code (0 done, 1 failed or refused, 2 usage). */
export async function runRepair(args: string[], io: InvokeIo): Promise<number> {
  try {
    let body = repairBody(args);
    const target = resolveTarget(io);
    const url = `${target.baseUrl}/functions/v1/repair`;
    io.err(`POST ${url} (secret from ${target.secretSource})`);
    for (;;) {
      const reply = await callFunction(url, "POST", body, target, io);
      const text = await reply.text();
      const step = parseReply(text);
      io.out(JSON.stringify(step));
      if (!reply.ok) {
        io.err(step.error ?? describeStatus("repair", reply.status, url));
        if (step.more && step.repair_id) {
          io.err(`Go on with it later: deno task repair continue ${step.repair_id}`);
        }
        return 1;
      }
      if (!step.more || step.repair_id === undefined) return step.status === "failed" ? 1 : 0;
      body = { continue: step.repair_id };
    }
  } catch (error) {
    if (error instanceof InvokeError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

function parseReply(text: string): StepReply {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 200) };
  }
}
