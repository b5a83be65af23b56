// `/api/webhooks`: list (GET), create (POST) and remove (DELETE /api/webhooks/{id}) the store's
// webhooks. A create takes Lightspeed's form encoding, field `data` holding the JSON
// `{"url", "active", "type"}`, or that JSON as the body (the dated API's shape); a second
// webhook of the same type and URL is a 409.
import { z } from "zod";
import { errorResponse, jsonResponse } from "./http_json.ts";
import { describeIssues } from "./options.ts";
import type { SimulatorState } from "./simulator_state.ts";
import { WEBHOOK_TYPES } from "./webhook_payload.ts";

export const WEBHOOKS_PATH = "/api/webhooks";

const webhookInput = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  type: z.enum(WEBHOOK_TYPES),
  active: z.boolean().default(true),
});

export function isWebhooksPath(path: string): boolean {
  return path === WEBHOOKS_PATH || path.startsWith(`${WEBHOOKS_PATH}/`);
}

export async function handleWebhooksApi(
  state: SimulatorState,
  request: Request,
  path: string,
): Promise<Response> {
  const id = path.slice(WEBHOOKS_PATH.length + 1);
  if (request.method === "GET" && id === "") return jsonResponse(200, state.webhooks.list());
  if (request.method === "POST" && id === "") return await createWebhook(state, request);
  if (request.method === "DELETE" && id !== "" && !id.includes("/")) {
    return state.webhooks.remove(id)
      ? jsonResponse(200, { id, deleted: true })
      : errorResponse(404, `No webhook with id ${id.slice(0, 100)}`);
  }
  return errorResponse(405, `Method ${request.method} is not supported on ${path.slice(0, 200)}`);
}

async function createWebhook(state: SimulatorState, request: Request): Promise<Response> {
  const json = await readWebhookJson(request);
  if (json instanceof Response) return json;
  const parsed = webhookInput.safeParse(json);
  if (!parsed.success) return errorResponse(400, describeIssues(parsed.error));
  const hook = state.webhooks.add(parsed.data);
  if (hook === null) {
    return jsonResponse(409, {
      error: "Conflict",
      message: "A webhook of this type and URL exists already",
    });
  }
  return jsonResponse(200, hook);
}

async function readWebhookJson(request: Request): Promise<unknown> {
  const text = await request.text();
  const form = (request.headers.get("content-type") ?? "").includes("form-urlencoded");
  const source = form ? new URLSearchParams(text).get("data") : text;
  if (source === null) return errorResponse(400, "Expected a form field named data");
  try {
    return JSON.parse(source);
  } catch {
    return errorResponse(400, "The webhook is not valid JSON");
  }
}
