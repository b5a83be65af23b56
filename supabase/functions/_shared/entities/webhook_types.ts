// The seven webhook types Lightspeed X-Series sends (README § Near-real-time). Which of them
// start a pass, and of which entity, the registry's entries say (webhookEvents,
// webhook_entities.ts).
export const webhookTypes = [
  "sale.update",
  "product.update",
  "customer.update",
  "inventory.update",
  "register_closure.create",
  "consignment.send",
  "consignment.receive",
] as const;

export type WebhookType = (typeof webhookTypes)[number];

export function isWebhookType(value: string): value is WebhookType {
  return (webhookTypes as readonly string[]).includes(value);
}
