// POST /functions/v1/lightspeed-webhook?token=<LIGHTSPEED_WEBHOOK_TOKEN>&type=<webhook type>
// (README § Near-real-time): Lightspeed's webhook. Checks the URL's token in constant time and,
// when LIGHTSPEED_CLIENT_SECRET is set, the X-Signature; records the event; answers 200 at once
// and, when no other instance is driving passes for the entity, drives them in the background.
// Every refusal is a 4xx (503 when unconfigured) saying why, counted by reason, and changes
// nothing else.
import { secretMatches } from "../_shared/auth/sync_secret.ts";
import { background } from "../_shared/background.ts";
import type { FunctionContext } from "../_shared/function_context.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import { errorReply, jsonReply } from "../_shared/http/json_reply.ts";
import { invocationDeadline } from "../_shared/run_deadline.ts";
import { abandonDriving, countRejection, recordEvent, type RejectionReason } from "./event_log.ts";
import { drivePasses } from "./pass_driver.ts";
import { maxBodyBytes, parseWebhookBody } from "./webhook_body.ts";
import { verifyWebhookSignature } from "./webhook_signature.ts";
import { passEntityOf, recordedEntityOf } from "../_shared/entities/webhook_entities.ts";
import type { WebhookType } from "../_shared/entities/webhook_types.ts";

/** Time a short webhook pass is given when deciding whether a driver can still run one. */
const HANDOVER_PASS_MS = 10_000;

export const handleLightspeedWebhook: FunctionHandler = async (req, context) => {
  const deadline = invocationDeadline(context);
  const refuse = async (status: number, reason: RejectionReason, message: string) => {
    await countRejection(context.sql, reason);
    return errorReply(status, message, { reason });
  };
  if (req.method !== "POST") return await refuse(405, "wrong_method", "Use POST");
  const { webhookToken, lightspeedClientSecret } = context.config;
  if (!webhookToken) {
    return await refuse(
      503,
      "not_configured",
      "Webhooks are off: LIGHTSPEED_WEBHOOK_TOKEN is unset",
    );
  }
  const url = new URL(req.url);
  if (!await secretMatches(url.searchParams.get("token"), webhookToken)) {
    return await refuse(401, "bad_token", "The URL's token is missing or wrong");
  }
  const text = await readBody(req);
  if (text === null) {
    return await refuse(413, "bad_body", `The body is larger than ${maxBodyBytes} bytes`);
  }
  if (lightspeedClientSecret) {
    const check = await verifyWebhookSignature(
      req.headers.get("x-signature"),
      text,
      lightspeedClientSecret,
    );
    if (!check.valid) return await refuse(401, "bad_signature", check.reason);
  }
  if (!(req.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    return await refuse(415, "bad_body", "Expected application/x-www-form-urlencoded");
  }
  const parsed = parseWebhookBody(text, url.searchParams.get("type"));
  if (!parsed.ok) return await refuse(400, parsed.reason, parsed.message);
  const pass = await recordAndDrive(context, parsed.event.type, parsed, deadline);
  return jsonReply(200, { received: true, type: parsed.event.type, ...pass });
};

async function recordAndDrive(
  context: FunctionContext,
  type: WebhookType,
  parsed: Extract<ReturnType<typeof parseWebhookBody>, { ok: true }>,
  deadline: number,
) {
  const driver = crypto.randomUUID();
  const entity = passEntityOf(type);
  const { drives, deliveryCount } = await recordEvent(context.sql, parsed.event, {
    id: driver,
    until: deadline,
    // A driver with less than an interval and a pass's worth of time left hands over.
    handoverMs: context.config.webhookMinIntervalMs + HANDOVER_PASS_MS,
  });
  if (entity === null) {
    // A known type no synced entity lists: recorded, nothing to pass over.
    if (drives) await abandonDriving(context.sql, recordedEntityOf(type), driver);
    return { delivery_count: deliveryCount, pass: "none" };
  }
  if (drives) background(drivePasses(context, { entity, driver, deadline }));
  return { delivery_count: deliveryCount, pass: drives ? "started" : "coalesced" };
}

/** The body as text, or null past maxBodyBytes (read no further than that). */
async function readBody(req: Request): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) return null;
  const bytes = new Uint8Array(await req.arrayBuffer());
  return bytes.length > maxBodyBytes ? null : new TextDecoder().decode(bytes);
}
