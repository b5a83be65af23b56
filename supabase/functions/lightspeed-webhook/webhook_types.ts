// Lightspeed's seven webhook types and the entity each one makes stale. consignment.* name no
// entity this product syncs: they are recorded (a known type is not an error) but start no pass.
export const webhookEntities = {
  "sale.update": "sales",
  "product.update": "products",
  "customer.update": "customers",
  "inventory.update": "inventory",
  // A closure changes the register's open/close times and sequence.
  "register_closure.create": "registers",
  "consignment.send": "consignments",
  "consignment.receive": "consignments",
} as const;

export type WebhookType = keyof typeof webhookEntities;

export function isWebhookType(value: string): value is WebhookType {
  return Object.hasOwn(webhookEntities, value);
}
