// `deno task invoke <function> [json-body]`: calls a function of the local stack (default) or of
// the project in SUPABASE_URL with the x-sync-secret header, prints the JSON reply, and turns
// every failure into one clear line. The secret is never printed.
import { z } from "zod";

export const localApiUrl = "http://127.0.0.1:54321";
const defaultTimeoutMs = 160_000;

export interface InvokeIo {
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** supabase/functions/.env, already read (empty when absent). */
  envFile: Record<string, string>;
  envFilePath: string;
  out(text: string): void;
  err(text: string): void;
  timeoutMs?: number;
}

/** A failure the operator can fix, reported as one line. */
export class InvokeError extends Error {}

const settingsSchema = z.object({
  SUPABASE_URL: z.string().trim().url().regex(/^https?:\/\//).optional(),
  SYNC_SECRET: z.string().trim().min(1).optional(),
});

export interface InvokeTarget {
  baseUrl: string;
  secret: string;
  secretSource: string;
  local: boolean;
}

/** True for the local stack's own API (any loopback spelling of port 54321). */
export function isLocalStackUrl(url: string): boolean {
  const { hostname, port, protocol } = new URL(url);
  return protocol === "http:" && port === new URL(localApiUrl).port &&
    ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}

export function resolveTarget(io: InvokeIo): InvokeTarget {
  const fromEnv = (name: string) => io.env[name]?.trim() ? io.env[name] : undefined;
  const parsed = settingsSchema.safeParse({
    SUPABASE_URL: fromEnv("SUPABASE_URL"),
    SYNC_SECRET: fromEnv("SYNC_SECRET") ?? (io.envFile.SYNC_SECRET?.trim() || undefined),
  });
  if (!parsed.success) {
    const name = String(parsed.error.issues[0].path[0]);
    throw new InvokeError(
      name === "SUPABASE_URL"
        ? "SUPABASE_URL must be a URL like https://<project-ref>.supabase.co"
        : "SYNC_SECRET must not be empty",
    );
  }
  const baseUrl = (parsed.data.SUPABASE_URL ?? localApiUrl).replace(/\/+$/, "");
  const local = isLocalStackUrl(baseUrl);
  // The env file holds the local stack's secret: it is never sent to another host.
  if (!local && !fromEnv("SYNC_SECRET")) {
    throw new InvokeError(
      `SYNC_SECRET is not set: ${baseUrl} is not the local stack, so put that project's ` +
        `secret in the environment (SYNC_SECRET=... deno task invoke ...); ${io.envFilePath} ` +
        "is only used for the local stack",
    );
  }
  const secret = parsed.data.SYNC_SECRET;
  if (!secret) {
    throw new InvokeError(
      `SYNC_SECRET is not set: put it in ${io.envFilePath} or the environment`,
    );
  }
  return {
    baseUrl,
    secret,
    secretSource: fromEnv("SYNC_SECRET") ? "the environment" : io.envFilePath,
    local,
  };
}

export function parseArgs(args: string[]): { name: string; body: unknown | undefined } {
  const [name, rawBody, ...rest] = args;
  if (!name || rest.length > 0 || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new InvokeError(
      `Usage: deno task invoke <function> [json-body], e.g. deno task invoke sync-entity ` +
        `'{"entity":"sales"}'`,
    );
  }
  if (rawBody === undefined) return { name, body: undefined };
  try {
    return { name, body: JSON.parse(rawBody) };
  } catch (error) {
    throw new InvokeError(
      `The body is not valid JSON (${error instanceof Error ? error.message : error})`,
    );
  }
}

/** Runs the command; returns the exit code. */
export async function runInvoke(args: string[], io: InvokeIo): Promise<number> {
  try {
    const { name, body } = parseArgs(args);
    const target = resolveTarget(io);
    // health is a GET; the others take a JSON body ({} when none is given).
    const method = name === "health" && body === undefined ? "GET" : "POST";
    const url = `${target.baseUrl}/functions/v1/${name}`;
    io.err(`${method} ${url} (secret from ${target.secretSource})`);
    const reply = await callFunction(
      url,
      method,
      method === "POST" ? body ?? {} : undefined,
      target,
      io,
    );
    const text = await reply.text();
    io.out(prettyJson(text));
    if (reply.ok) return 0;
    io.err(describeStatus(name, reply.status, url));
    return 1;
  } catch (error) {
    if (error instanceof InvokeError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

/** Sends one call with the secret; a failure to reach the function is one InvokeError line. */
export async function callFunction(
  url: string,
  method: string,
  body: unknown,
  target: InvokeTarget,
  io: InvokeIo,
): Promise<Response> {
  const timeoutMs = io.timeoutMs ?? defaultTimeoutMs;
  try {
    return await fetch(url, {
      method,
      headers: {
        "x-sync-secret": target.secret,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new InvokeError(`No reply from ${url} within ${Math.round(timeoutMs / 1000)} s`);
    }
    const reason = networkReason(error);
    const hint = target.local
      ? "; is the local stack running? (deno task functions:serve, or set SUPABASE_URL)"
      : "; check SUPABASE_URL";
    throw new InvokeError(`Cannot reach ${url}: ${reason}${hint}`);
  }
}

function networkReason(error: unknown): string {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  if (/connection refused/i.test(text)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(text)) {
    return "unknown host";
  }
  if (/certificate|tls/i.test(text)) return "TLS error";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 200);
}

export function describeStatus(name: string, status: number, url: string): string {
  if (status === 401) {
    return `${name} answered 401: the secret was rejected; SYNC_SECRET must match the ` +
      `function's (supabase secrets set SYNC_SECRET=... on a project)`;
  }
  if (status === 404) return `${name} answered 404: no function at ${url}; check the name`;
  if (status === 503 && name === "health") {
    return "health answered 503: an entity or the scheduler is red, or syncing is switched off " +
      "(see status and reason)";
  }
  return `${name} answered HTTP ${status}`;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
