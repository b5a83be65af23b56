// The entity each webhook type makes stale, read from the registry's webhookEvents: a type no
// entry lists is recorded but starts no pass, and a later entity takes its events by listing them
// in its entry (as consignments took consignment.send and consignment.receive).
import { type EntityDefinition, type EntityName, entityRegistry } from "./registry.ts";
import type { WebhookType } from "./webhook_types.ts";

type Registry = readonly EntityDefinition[];

/** The entity whose pass the type starts, or null when no entry lists it. */
export function passEntityOf(type: WebhookType, registry: Registry = entityRegistry) {
  const entity = registry.find((e) => e.webhookEvents?.includes(type));
  return (entity?.name ?? null) as EntityName | null;
}

/**
 * The entity webhook_events and webhook_passes file the event under: the pass's entity, else
 * the type's subject in the plural ("consignment.send" -> "consignments"), the name an entity
 * for it would take, so its earlier events stay under it.
 */
export function recordedEntityOf(type: WebhookType, registry: Registry = entityRegistry): string {
  return passEntityOf(type, registry) ?? `${type.slice(0, type.indexOf("."))}s`;
}

/** The types some entity lists: the ones worth registering with Lightspeed. */
export function passTypes(registry: Registry = entityRegistry): WebhookType[] {
  return registry.flatMap((e) => e.webhookEvents ?? []);
}

/** The entities some webhook type starts a pass of. */
export function entitiesWithWebhooks(registry: Registry = entityRegistry): string[] {
  return registry.filter((e) => (e.webhookEvents ?? []).length > 0).map((e) => e.name);
}
