// The control routes of extra collections (extra_collections.ts): define one, then change it.
import { z } from "zod";
import { errorResponse, jsonResponse } from "./http_json.ts";
import { describeIssues } from "./options.ts";
import type { SimulatorState } from "./simulator_state.ts";

const record = z.looseObject({ id: z.string().min(1) });

export const collectionDefinitionSchema = z.strictObject({
  name: z.string(),
  supportsDeleted: z.boolean().default(true),
  records: z.array(record).default([]),
});

export const collectionChangesSchema = z.strictObject({
  records: z.array(record).optional(),
  deletes: z.array(z.string().min(1)).optional(),
});

/**
 * `POST /collections` `{name, supportsDeleted?, records}` defines (or replaces) one;
 * `POST /collections/<name>` `{records?, deletes?}` changes it. Null for any other route.
 */
export async function handleCollectionsControl(
  state: SimulatorState,
  method: string,
  path: string,
  request: Request,
): Promise<Response | null> {
  const named = /^\/collections\/([^/]+)$/.exec(path)?.[1];
  if (method !== "POST" || (path !== "/collections" && named === undefined)) return null;
  let json: unknown;
  try {
    json = JSON.parse(await request.text());
  } catch {
    return errorResponse(400, "The request body is not valid JSON");
  }
  const collections = state.store.collections;
  try {
    if (named === undefined) {
      const parsed = collectionDefinitionSchema.safeParse(json);
      if (!parsed.success) return errorResponse(400, describeIssues(parsed.error));
      const { name, supportsDeleted, records } = parsed.data;
      collections.define(name, supportsDeleted, records);
      return jsonResponse(200, {
        name,
        records: records.length,
        maxVersion: state.store.maxVersion,
      });
    }
    const parsed = collectionChangesSchema.safeParse(json);
    if (!parsed.success) return errorResponse(400, describeIssues(parsed.error));
    return jsonResponse(200, { versions: collections.change(named, parsed.data) });
  } catch (error) {
    return errorResponse(400, error instanceof Error ? error.message : String(error));
  }
}
