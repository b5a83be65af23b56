// Turns a validated page into the single parameter it goes to SQL as: a JSON object whose
// "data" array holds exactly the records to land. A page with nothing to drop goes as the API's
// reply text itself, so the hot path serializes nothing again. Records PostgreSQL's jsonb
// cannot hold become rejects here: that is a limit of the store, not of the record.
import type { LightspeedRecord } from "../entities/record_check.ts";
import {
  identifyRecord,
  type PageValidation,
  type RejectedRecord,
} from "../entities/record_validation.ts";

export interface PagePayload {
  /** `{"data": [...]}` holding exactly the records to land. */
  json: string;
  /** How many records `json` holds. */
  validCount: number;
  rejects: RejectedRecord[];
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
export function withoutUnstorable(validation: PageValidation): PageValidation {
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
    rejects.push({ ...identifyRecord(record), reason: unstorableReason, raw });
  }
  return { ...validation, records: storable, rejects };
}

/**
 * The page's SQL parameter. `replyText`, the API's reply the records were parsed from, is used
 * as it is when validation dropped nothing and it holds nothing jsonb refuses.
 */
export function pagePayload(validation: PageValidation, replyText?: string): PagePayload {
  const { records, rejects } = validation;
  if (
    replyText !== undefined && rejects.length === 0 && !validation.duplicatesDropped &&
    !hasUnstorableText(replyText)
  ) {
    return { json: replyText, validCount: records.length, rejects };
  }
  const json = JSON.stringify({ data: records });
  // Checked on the whole page first: per-record work only when something is wrong.
  if (!hasUnstorableText(json)) return { json, validCount: records.length, rejects };
  const storable = withoutUnstorable(validation);
  return {
    json: JSON.stringify({ data: storable.records }),
    validCount: storable.records.length,
    rejects: storable.rejects,
  };
}
