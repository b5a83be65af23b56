import type { EntityName } from "./records.ts";
import { ENTITIES_WITH_DELETED_PARAM } from "./records.ts";

/** Used when `page_size` is absent; Lightspeed documents no default for 2.0. */
export const DEFAULT_PAGE_SIZE = 1000;
/** Lightspeed's Go library notes these caps; larger requests are silently clamped. */
export const MAX_PAGE_SIZE = 10_000;
export const MAX_SALES_PAGE_SIZE = 500;

export interface PagingParams {
  after: number;
  before?: number;
  pageSize: number;
  includeDeleted: boolean;
}

export type ParsedPaging = { ok: true; params: PagingParams } | { ok: false; message: string };

export function parsePagingParams(entity: EntityName, search: URLSearchParams): ParsedPaging {
  const cap = entity === "sales" ? MAX_SALES_PAGE_SIZE : MAX_PAGE_SIZE;
  return parsePaging(search, cap, ENTITIES_WITH_DELETED_PARAM.has(entity));
}

/** The paging of any collection: `cap` clamps page_size, `deleted` counts where it is accepted. */
export function parsePaging(
  search: URLSearchParams,
  cap: number,
  acceptsDeleted: boolean,
): ParsedPaging {
  const after = parseNonNegativeInteger(search.get("after"), "after");
  if (typeof after === "string") return { ok: false, message: after };
  const before = parseNonNegativeInteger(search.get("before"), "before");
  if (typeof before === "string") return { ok: false, message: before };
  const requested = parseNonNegativeInteger(search.get("page_size"), "page_size");
  if (typeof requested === "string") return { ok: false, message: requested };
  if (requested === 0) return { ok: false, message: "The page_size parameter must be at least 1" };
  const deleted = (search.get("deleted") ?? "").toLowerCase();
  return {
    ok: true,
    params: {
      after: after ?? 0,
      before,
      pageSize: Math.min(requested ?? DEFAULT_PAGE_SIZE, cap),
      includeDeleted: acceptsDeleted && (deleted === "true" || deleted === "1"),
    },
  };
}

/** Returns the number, undefined when absent or empty, or an error message. */
function parseNonNegativeInteger(
  raw: string | null,
  name: string,
): number | undefined | string {
  if (raw === null || raw === "") return undefined;
  if (!/^\d{1,18}$/.test(raw)) {
    return `The ${name} parameter must be a non-negative integer, got ${JSON.stringify(raw)}`;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) return `The ${name} parameter is too large`;
  return value;
}
