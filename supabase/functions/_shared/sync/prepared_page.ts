// The one page type the sync lands: a fetched page, validated and reduced to what its
// transaction needs. The page goes to SQL as one JSON object whose "data" array holds exactly
// the records to land; a page with nothing to drop goes as the API's reply text itself, so the
// hot path serializes nothing again. Records PostgreSQL's jsonb cannot hold become rejects
// here: that is a limit of the store, not a rule of the record.
import type { LightspeedRecord } from "../entities/record_check.ts";
import {
  identifyRecord,
  type PageValidation,
  type RejectedRecord,
  validatePage,
} from "../entities/record_validation.ts";
import type { EntityDefinition } from "../entities/registry.ts";
import { LightspeedResponseError } from "../lightspeed/errors.ts";
import type { VersionPage } from "../lightspeed/pager.ts";
import type { ReplyBody } from "../lightspeed/reply_body.ts";
import { MAX_JSON_NESTING, nestsDeeperThan, withinNesting } from "./json_nesting.ts";

export interface PreparedPage {
  /** How many records the API sent (for an unchecked page: known once it has landed). */
  received: number;
  /** The cursor to save once this page commits. */
  versionMax: number;
  /** `{"data": [...]}` holding exactly the records to land; empty for an unchecked page. */
  json: string;
  /** How many records `json` holds. */
  validCount: number;
  rejects: RejectedRecord[];
  /**
   * Only part of the fetched page: the loop lands it and stops, since the next page was asked
   * for after the whole page (sub_resources.ts).
   */
  incomplete?: boolean;
  /**
   * The API's reply as it came, neither decoded, parsed nor validated here: PostgreSQL checks
   * it as it lands, and only a page that fails the check is validated (landUnchecked in
   * ingest_page.ts).
   */
  unchecked?: ReplyBody;
}

// PostgreSQL's jsonb cannot hold NUL characters or unpaired surrogates. JSON text can carry
// them only as escapes, so looking for the escapes finds every one.
const unstorableText =
  /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;
const unstorableTextGlobal = new RegExp(unstorableText.source, "gi");

/** Finds text PostgreSQL cannot store in JSON text. */
export function hasUnstorableText(json: string): boolean {
  // Most pages hold no \u escape at all; includes() is far cheaper than the pattern.
  return json.includes("\\u") && unstorableText.test(json);
}

const unstorableReason =
  "Invalid record: contains a NUL character or broken Unicode that PostgreSQL cannot store";

/** The validation with every record jsonb cannot hold moved to its rejects. */
export function withoutUnstorable(
  entity: EntityDefinition,
  validation: PageValidation,
): PageValidation {
  const storable: LightspeedRecord[] = [];
  const rejects = [...validation.rejects];
  for (const record of validation.records) {
    const text = JSON.stringify(record);
    if (!hasUnstorableText(text)) {
      storable.push(record);
      continue;
    }
    // Keep what can be stored so the operator can still see which record it was.
    const raw = JSON.parse(text.replace(unstorableTextGlobal, "\\ufffd"));
    rejects.push({ ...identifyRecord(record, entity), reason: unstorableReason, raw });
  }
  return { ...validation, records: storable, rejects };
}

const tooDeepReason =
  `Invalid record: nested deeper than ${MAX_JSON_NESTING} levels, more than PostgreSQL can store`;

/** The validation with every record nested beyond MAX_JSON_NESTING moved to its rejects. */
export function withoutTooDeep(
  entity: EntityDefinition,
  validation: PageValidation,
): PageValidation {
  const shallow: LightspeedRecord[] = [];
  const rejects = [...validation.rejects];
  for (const record of validation.records) {
    if (!nestsDeeperThan(record, MAX_JSON_NESTING)) {
      shallow.push(record);
      continue;
    }
    rejects.push({
      ...identifyRecord(record, entity),
      reason: tooDeepReason,
      raw: withinNesting(record),
    });
  }
  return { ...validation, records: shallow, rejects };
}

/**
 * `{"data": records}` as JSON text. V8 gives up on very deep nesting with a RangeError; only
 * then is each record's depth measured, so ordinary pages pay nothing for the check.
 */
function serializePage(
  entity: EntityDefinition,
  validation: PageValidation,
): { json: string; validation: PageValidation } {
  try {
    return { json: JSON.stringify({ data: validation.records }), validation };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const shallow = withoutTooDeep(entity, validation);
    return { json: JSON.stringify({ data: shallow.records }), validation: shallow };
  }
}

/**
 * What goes to SQL. `replyText`, the API's reply the records were parsed from, is used as it
 * is when validation dropped nothing and it holds nothing jsonb refuses.
 */
function landingJson(
  entity: EntityDefinition,
  validation: PageValidation,
  replyText: string | undefined,
): Pick<PreparedPage, "json" | "validCount" | "rejects"> {
  if (
    replyText !== undefined && validation.rejects.length === 0 &&
    !validation.duplicatesDropped && !hasUnstorableText(replyText)
  ) {
    return { json: replyText, validCount: validation.records.length, rejects: validation.rejects };
  }
  const serialized = serializePage(entity, validation);
  const { json } = serialized;
  const { records, rejects } = serialized.validation;
  // Checked on the whole page first: per-record work only when something is wrong.
  if (!hasUnstorableText(json)) return { json, validCount: records.length, rejects };
  const storable = withoutUnstorable(entity, serialized.validation);
  return {
    json: JSON.stringify({ data: storable.records }),
    validCount: storable.records.length,
    rejects: storable.rejects,
  };
}

/**
 * Validates a fetched page and keeps only what landing it needs. The parsed records and the
 * reply text are taken off the fetched page, so the garbage collector can have them while the
 * previous page commits.
 */
export function preparePage(entity: EntityDefinition, page: VersionPage): PreparedPage {
  if (page.records === null) {
    if (page.reply === undefined) throw new Error("an unparsed page must keep its reply");
    const unchecked: PreparedPage = {
      received: 0,
      versionMax: page.versionMax,
      json: "",
      validCount: 0,
      rejects: [],
      unchecked: page.reply,
    };
    page.reply = undefined;
    return unchecked;
  }
  const received = page.records.length;
  const validation = validatePage(entity, page.records);
  const replyText = page.reply?.text;
  page.records = [];
  page.reply = undefined;
  return { received, versionMax: page.versionMax, ...landingJson(entity, validation, replyText) };
}

/** A page made from records validated again after the fetch (sub_resources.ts). */
export function prepareValidated(
  entity: EntityDefinition,
  validation: PageValidation,
  page: Pick<PreparedPage, "received" | "versionMax" | "incomplete">,
): PreparedPage {
  return { ...page, ...landingJson(entity, validation, undefined) };
}

/**
 * An unchecked page that PostgreSQL's check did not pass, parsed and validated after all. Its
 * version was read from the reply's end; the parse must agree, or the page is not landed.
 */
export function validateUnchecked(entity: EntityDefinition, page: PreparedPage): PreparedPage {
  const reply = page.unchecked;
  if (reply === undefined) throw new Error("only an unchecked page is validated after landing");
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    throw new LightspeedResponseError(
      entity.path,
      `body is not valid JSON (${reply.text.length} characters received)`,
    );
  }
  const { data, version } = (body ?? {}) as { data?: unknown; version?: { max?: unknown } };
  if (!Array.isArray(data) || data.length === 0 || version?.max !== page.versionMax) {
    throw new LightspeedResponseError(
      entity.path,
      `the reply's "data" and "version" do not read as they did from its ends ` +
        `(version.max ${page.versionMax})`,
    );
  }
  return preparePage(entity, {
    records: data,
    versionMin: 0,
    versionMax: page.versionMax,
    requestAfter: 0,
    reply,
  });
}
