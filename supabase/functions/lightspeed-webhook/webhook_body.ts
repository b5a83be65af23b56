// The body Lightspeed posts: application/x-www-form-urlencoded with a field `payload` holding
// the JSON of an API 1.0 object. Only the record's id and version are read from it: the sync
// re-reads the entity from its cursor, so nothing in the payload becomes data.
import { isWebhookType, type WebhookType } from "../_shared/entities/webhook_types.ts";

/** Larger bodies are refused unread: a sale with hundreds of lines is far below this. */
export const maxBodyBytes = 1_000_000;

export interface WebhookEvent {
  type: WebhookType;
  recordId: string;
  /** The payload's version when it holds a whole non-negative number, else null. */
  version: string | null;
}

export type ParsedBody =
  | { ok: true; event: WebhookEvent }
  | { ok: false; reason: "unknown_type" | "bad_body"; message: string };

const largestBigint = 9_223_372_036_854_775_807n;

/**
 * Reads the event out of a form body. The type comes from the registered URL (`urlType`) or the
 * body's `type` field; when both are given they must agree.
 */
export function parseWebhookBody(text: string, urlType: string | null): ParsedBody {
  const form = new URLSearchParams(text);
  const bodyType = form.get("type");
  const type = urlType ?? bodyType;
  if (type === null) {
    return bad("unknown_type", "No webhook type: register the URL with ?type=<type>");
  }
  if (!isWebhookType(type)) {
    return bad("unknown_type", `Unknown webhook type "${type.slice(0, 60)}"`);
  }
  if (urlType !== null && bodyType !== null && bodyType !== urlType) {
    return bad("bad_body", "The body's type differs from the URL's");
  }
  const payload = parsePayload(form.get("payload"));
  if (typeof payload === "string") return bad("bad_body", payload);
  return { ok: true, event: { type, recordId: payload.id, version: payload.version } };
}

function parsePayload(field: string | null): { id: string; version: string | null } | string {
  if (field === null) return "Expected a form field named payload";
  let payload: unknown;
  try {
    payload = JSON.parse(field);
  } catch {
    return "The payload field is not JSON";
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return "The payload is not a JSON object";
  }
  const { id, version } = payload as { id?: unknown; version?: unknown };
  if (typeof id !== "string" && typeof id !== "number") return "The payload has no id";
  const recordId = String(id);
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(recordId)) return "The payload's id is not an id";
  return { id: recordId, version: versionOf(version) };
}

function versionOf(value: unknown): string | null {
  const text = typeof value === "number" && Number.isSafeInteger(value)
    ? String(value)
    : typeof value === "string"
    ? value
    : null;
  if (text === null || !/^[0-9]{1,19}$/.test(text) || BigInt(text) > largestBigint) return null;
  return text;
}

function bad(reason: "unknown_type" | "bad_body", message: string): ParsedBody {
  return { ok: false, reason, message };
}
