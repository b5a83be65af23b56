// `deno task webhooks register|list|remove`: the store's webhooks that point at this project's
// lightspeed-webhook function, made through Lightspeed's /api/webhooks (scope `webhooks`).
// register is idempotent (an identical webhook is kept, not duplicated); list and remove touch
// only webhooks whose URL is the function's. The token in the URL is never printed.
import { passTypes } from "../../supabase/functions/_shared/entities/webhook_entities.ts";
import { localApiUrl } from "./invoke_function.ts";

/** The types some synced entity lists (the registry's webhookEvents); no other is registered. */
export const registeredTypes = passTypes();

export interface WebhooksIo {
  env: Record<string, string | undefined>;
  envFile: Record<string, string>;
  out(text: string): void;
  err(text: string): void;
  fetch?: typeof fetch;
}

interface Target {
  webhooksUrl: string;
  lightspeedToken: string;
  functionUrl: string;
  webhookToken: string;
}

interface Webhook {
  id: string;
  url: string;
  type: string;
  active: boolean;
}

export class WebhooksError extends Error {}

export async function runWebhooks(args: string[], io: WebhooksIo): Promise<number> {
  try {
    const command = args[0];
    if (command !== "register" && command !== "list" && command !== "remove") {
      throw new WebhooksError("Usage: deno task webhooks register|list|remove");
    }
    const target = resolveWebhooksTarget(io);
    const api = lightspeedWebhooksApi(target, io.fetch ?? fetch);
    if (command === "register") await register(target, api, io);
    if (command === "list") await list(target, api, io);
    if (command === "remove") await remove(target, api, io);
    return 0;
  } catch (error) {
    io.err(error instanceof WebhooksError ? error.message : `Failed: ${String(error)}`);
    return 1;
  }
}

export function resolveWebhooksTarget(io: WebhooksIo): Target {
  const value = (name: string) => io.env[name]?.trim() || io.envFile[name]?.trim() || undefined;
  const prefix = value("LIGHTSPEED_DOMAIN_PREFIX");
  const base = value("LIGHTSPEED_API_BASE_URL") ??
    (prefix ? `https://${prefix.toLowerCase()}.retail.lightspeed.app/api/2.0` : undefined);
  const missing = [
    ["LIGHTSPEED_DOMAIN_PREFIX or LIGHTSPEED_API_BASE_URL", base],
    ["LIGHTSPEED_TOKEN", value("LIGHTSPEED_TOKEN")],
    ["LIGHTSPEED_WEBHOOK_TOKEN", value("LIGHTSPEED_WEBHOOK_TOKEN")],
  ].filter(([, v]) => v === undefined).map(([name]) => name);
  if (missing.length > 0) {
    throw new WebhooksError(
      `Not set (environment or supabase/functions/.env): ${missing.join(", ")}`,
    );
  }
  const project = (io.env.SUPABASE_URL?.trim() || localApiUrl).replace(/\/+$/, "");
  return {
    // /api/webhooks sits beside /api/2.0.
    webhooksUrl: `${new URL(base!).origin}/api/webhooks`,
    lightspeedToken: value("LIGHTSPEED_TOKEN")!,
    functionUrl: `${project}/functions/v1/lightspeed-webhook`,
    webhookToken: value("LIGHTSPEED_WEBHOOK_TOKEN")!,
  };
}

export function webhookUrlFor(target: Target, type: string): string {
  const url = new URL(target.functionUrl);
  url.searchParams.set("token", target.webhookToken);
  url.searchParams.set("type", type);
  return url.href;
}

/** The URL as it may be printed: the token replaced by ***. */
export function printableWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has("token")) parsed.searchParams.set("token", "***");
    return parsed.href;
  } catch {
    return "(not a URL)";
  }
}

function ours(target: Target, hook: Webhook): boolean {
  return hook.url.split("?")[0] === target.functionUrl;
}

function lightspeedWebhooksApi(target: Target, fetcher: typeof fetch) {
  const headers = { authorization: `Bearer ${target.lightspeedToken}` };
  const call = async (path: string, init: RequestInit = {}) => {
    const reply = await fetcher(`${target.webhooksUrl}${path}`, {
      ...init,
      headers: { ...headers, ...init.headers },
    });
    const text = await reply.text();
    return { status: reply.status, body: text ? JSON.parse(text) : null };
  };
  return {
    async list(): Promise<Webhook[]> {
      const reply = await call("");
      if (reply.status !== 200) throw new WebhooksError(`Listing webhooks: HTTP ${reply.status}`);
      return Array.isArray(reply.body) ? reply.body : reply.body?.data ?? [];
    },
    async create(url: string, type: string): Promise<"created" | "exists"> {
      const reply = await call("", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ data: JSON.stringify({ url, type, active: true }) }),
      });
      if (reply.status === 409) return "exists";
      if (reply.status !== 200 && reply.status !== 201) {
        throw new WebhooksError(`Creating the ${type} webhook: HTTP ${reply.status}`);
      }
      return "created";
    },
    async remove(id: string): Promise<void> {
      const reply = await call(`/${encodeURIComponent(id)}`, { method: "DELETE" });
      if (reply.status !== 200 && reply.status !== 204 && reply.status !== 404) {
        throw new WebhooksError(`Removing webhook ${id}: HTTP ${reply.status}`);
      }
    },
  };
}

type Api = ReturnType<typeof lightspeedWebhooksApi>;

async function register(target: Target, api: Api, io: WebhooksIo): Promise<void> {
  const existing = await api.list();
  for (const type of registeredTypes) {
    const url = webhookUrlFor(target, type);
    const same = existing.some((hook) => hook.type === type && hook.url === url && hook.active);
    const outcome = same ? "exists" : await api.create(url, type);
    io.out(`${type}: ${outcome} -> ${printableWebhookUrl(url)}`);
  }
}

async function list(target: Target, api: Api, io: WebhooksIo): Promise<void> {
  const hooks = (await api.list()).filter((hook) => ours(target, hook));
  if (hooks.length === 0) io.out(`No webhook points at ${target.functionUrl}`);
  for (const hook of hooks) {
    io.out(
      `${hook.id} ${hook.type} ${hook.active ? "active" : "inactive"} ${
        printableWebhookUrl(hook.url)
      }`,
    );
  }
}

async function remove(target: Target, api: Api, io: WebhooksIo): Promise<void> {
  const hooks = (await api.list()).filter((hook) => ours(target, hook));
  for (const hook of hooks) {
    await api.remove(hook.id);
    io.out(`removed ${hook.id} ${hook.type}`);
  }
  io.out(`${hooks.length} webhook(s) removed`);
}
