// Reads what paging needs from a list reply without parsing its records. JSON.parse of a page
// of 500 sales costs the function about as much CPU as everything else it does with the page;
// when the page can land as it came (landUnchecked in sync/ingest_page.ts), PostgreSQL parses
// it once and nobody else has to, not even to decode it. Only the reply's two ends are read,
// so this costs nothing measurable.
//
// Lightspeed's list replies are `{"data":[...],"version":{"min":M,"max":N}}`. In well-formed
// JSON the text's last member before the closing brace is a member of the top-level object
// (a string cannot hold an unescaped quote, so `"version":` there is a key), and the first
// member after the opening brace likewise. Any other shape gives null and the reply is parsed.
// PostgreSQL checks both readings against its own parse before anything commits.

/** What paging needs of a non-empty page, read from the reply's ends. */
export class ScannedPage {
  constructor(
    /** The top-level version.min and version.max, as written. */
    readonly versionMin: number,
    readonly versionMax: number,
  ) {}
}

// `{"data":[` and a value: an empty page is short, and parsed.
const dataFirst = /^\s*\{\s*"data"\s*:\s*\[\s*[^\s\]]/;
// `,"version":{"min":M,"max":N}}` at the very end.
const versionLast =
  /,\s*"version"\s*:\s*\{\s*"min"\s*:\s*(-?\d{1,17})\s*,\s*"max"\s*:\s*(-?\d{1,17})\s*\}\s*\}\s*$/;
const TAIL_BYTES = 160;

const utf8 = new TextDecoder();

/**
 * A non-empty page's version read from its ends, or null when it is not the usual shape. Only
 * the two ends of the reply's bytes are decoded: a multi-byte character cut at either cut
 * point decodes as U+FFFD, away from the part each pattern reads.
 */
export function scanPage(bytes: Uint8Array): ScannedPage | null {
  const head = utf8.decode(bytes.subarray(0, 64));
  const tail = utf8.decode(bytes.subarray(-TAIL_BYTES));
  if (!dataFirst.test(head)) return null;
  const version = versionLast.exec(tail);
  if (version === null) return null;
  return new ScannedPage(Number(version[1]), Number(version[2]));
}
