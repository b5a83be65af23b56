import { z } from "zod";
import { ENTITY_NAMES } from "./records.ts";

export const EMPTY_PAGE_VERSIONS = ["null", "missing", "zeros", "nulls"] as const;
export const RETRY_AFTER_STYLES = ["date", "seconds", "none", "garbage"] as const;

const scaleSchema = z.union([
  z.enum(["demo", "small", "medium", "large"]),
  z.strictObject({ sales: z.number().int().min(0).max(2_000_000) }),
]);

/** How webhooks are delivered (webhook_sender.ts); every field has Lightspeed's default. */
export const webhookSettingsSchema = z.strictObject({
  /** The OAuth app's client secret: set, every delivery carries X-Signature. */
  secret: z.string().min(1).nullable().default(null),
  /** A receiver must answer 2xx within this long. */
  timeoutMs: z.number().int().min(1).max(60_000).default(5000),
  maxAttempts: z.number().int().min(1).max(20).default(20),
  /** First retry delay, doubling per attempt up to 4 h; divided by timeScale. */
  retryBaseMs: z.number().min(0).default(30_000),
  /** Faults: share of deliveries lost, share sent twice, and a random 0..reorderMs delay. */
  dropRate: z.number().min(0).max(1).default(0),
  duplicateRate: z.number().min(0).max(1).default(0),
  reorderMs: z.number().min(0).max(600_000).default(0),
});
export type WebhookSettings = z.output<typeof webhookSettingsSchema>;

/** Options that shape the store and its API; all may be changed by a control reset. */
export const storeSettingsSchema = z.strictObject({
  seed: z.union([z.number(), z.string()]).optional(),
  scale: scaleSchema.optional(),
  outlets: z.number().int().min(1).max(20).optional(),
  registers: z.number().int().min(1).max(50).optional(),
  /** Divides the 5-minute rate-limit window (100 → 3 s), for tests. */
  timeScale: z.number().positive().optional(),
  token: z.string().min(1).optional(),
  /** A second token that authenticates but lacks scope: every API call gets 403. */
  forbiddenToken: z.string().min(1).nullable().optional(),
  emptyPageVersion: z.enum(EMPTY_PAGE_VERSIONS).optional(),
  latency: z.strictObject({
    baseMs: z.number().min(0),
    perRecordMs: z.number().min(0),
  }).optional(),
  /** Default `Retry-After` style of injected 429s. */
  retryAfter: z.enum(RETRY_AFTER_STYLES).optional(),
  webhooks: webhookSettingsSchema.optional(),
});
export type StoreSettings = z.infer<typeof storeSettingsSchema>;
/** What a caller may pass: nested webhook settings may be partial. */
export type StoreSettingsInput = z.input<typeof storeSettingsSchema>;
export type ResolvedSettings = Required<Omit<StoreSettings, "forbiddenToken">> & {
  forbiddenToken: string | null;
};

export const DEFAULT_SETTINGS: ResolvedSettings = {
  seed: 1,
  scale: "demo",
  outlets: 3,
  registers: 3,
  timeScale: 1,
  token: "dev-lightspeed-token",
  forbiddenToken: null,
  emptyPageVersion: "null",
  latency: { baseMs: 0, perRecordMs: 0 },
  retryAfter: "date",
  webhooks: webhookSettingsSchema.parse({}),
};

const pathFilter = z.string().min(1).optional();
/** Matching requests to let through untouched before the fault starts (a crash point). */
const skip = z.number().int().min(0).optional();
const count = z.number().int().min(1).default(1);
const entity = z.enum(ENTITY_NAMES);

export const faultSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("status"),
    status: z.union([
      z.literal(400),
      z.literal(404),
      z.literal(429),
      z.literal(500),
      z.literal(502),
      z.literal(503),
      z.literal(504),
    ]),
    count,
    path: pathFilter,
    skip,
    retryAfter: z.enum(RETRY_AFTER_STYLES).optional(),
    /** How far ahead an injected 429 asks the client to wait. */
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    /** The reply's `message` (not for 429s), e.g. hostile text an upstream error might echo. */
    message: z.string().max(10_000).optional(),
    /**
     * An outage: every matching request gets the status for this many simulated seconds (real
     * seconds × timeScale) from when the fault is queued, whatever `count` says.
     */
    forSeconds: z.number().positive().max(7 * 86_400).optional(),
  }),
  z.strictObject({ type: z.literal("reset"), count, path: pathFilter, skip }),
  z.strictObject({
    type: z.literal("slow"),
    ms: z.number().min(0).max(600_000),
    count,
    path: pathFilter,
    skip,
  }),
  z.strictObject({ type: z.literal("truncate"), count, path: pathFilter, skip }),
  /** A 3xx pointing elsewhere: a client must not follow it (it would take the token along). */
  z.strictObject({
    type: z.literal("redirect"),
    location: z.string().min(1).max(2000),
    status: z.union([
      z.literal(301),
      z.literal(302),
      z.literal(303),
      z.literal(307),
      z.literal(308),
    ])
      .default(302),
    count,
    path: pathFilter,
    skip,
  }),
  /**
   * A 200 whose valid JSON body is `bytes` long, streamed as it is read, so a client that
   * reads it all gets an empty page; `announce` sends its content-length.
   */
  z.strictObject({
    type: z.literal("oversized"),
    bytes: z.number().int().min(64).max(2 ** 34),
    announce: z.boolean().default(false),
    count,
    path: pathFilter,
    skip,
  }),
  z.strictObject({ type: z.literal("malformed"), entity, count }),
  z.strictObject({ type: z.literal("hostile"), entity, count }),
]);
export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;
export type QueuedFault = Exclude<Fault, { type: "malformed" | "hostile" }>;
export type RecordFault = Extract<Fault, { type: "malformed" | "hostile" }>;

export const faultsRequestSchema = z.strictObject({ faults: z.array(faultSchema) });

const mutationCount = z.number().int().min(0).max(1_000_000).optional();
export const mutationSchema = z.strictObject({
  seed: z.union([z.number(), z.string()]).optional(),
  customerEdits: mutationCount,
  productEdits: mutationCount,
  customerDeletes: mutationCount,
  productDeletes: mutationCount,
  laybyPayoffs: mutationCount,
  onAccountPayoffs: mutationCount,
  voids: mutationCount,
  lineItemRemovals: mutationCount,
  newSales: mutationCount,
  /** New sales at given instants in a given outlet (by index), e.g. around a DST change. */
  salesAt: z.array(z.strictObject({
    outlet: z.number().int().min(0).max(19),
    at: z.string().datetime(),
  })).max(1000).optional(),
  stockMovements: mutationCount,
  /** Per lookup entity (customer groups, users, taxes, ..., tags): records edited. */
  lookupEdits: mutationCount,
  /** Per lookup entity whose endpoint accepts `deleted=true`: records soft-deleted. */
  lookupDeletes: mutationCount,
  consignmentReceipts: mutationCount,
  consignmentEdits: mutationCount,
  consignmentDeletes: mutationCount,
});
export type MutationRequest = z.infer<typeof mutationSchema>;

/** Zod's issues as one readable line for a 400 reply. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
}
