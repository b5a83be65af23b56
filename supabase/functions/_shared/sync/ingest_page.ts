// Lands one page in one transaction: typed upsert of the valid records, replacement of their
// children, rejects filed, the cursor advanced to the page's version.max and the run's counters
// updated. Either all of it commits or none of it does. A page the database refuses (a value
// the validator let through, JSON nested too deep for it) lands again record by record, so one
// record cannot stop the sync.
import type { Sql, TransactionSql } from "../database.ts";
import type { EntityDefinition } from "../entities/registry.ts";
import { identifyRecord, type RejectedRecord } from "../entities/record_validation.ts";
import { redactSecrets } from "../redact.ts";
import { type IngestStatements, ingestStatements } from "./ingest_statements.ts";
import { createInputTable } from "./page_input.ts";
import { copyReply, createReplyTable } from "./page_reply.ts";
import { MAX_JSON_NESTING, nestsDeeperThan } from "./json_nesting.ts";
import { LeaseLostError } from "./lease.ts";
import { markOverlapRead } from "./overlap.ts";
import { type PreparedPage, validateUnchecked } from "./prepared_page.ts";
import { fileRejects } from "./rejects.ts";
import { pageTransactionSettings } from "./transaction_settings.ts";

export interface PageCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface IngestContext {
  entity: EntityDefinition;
  runId: number;
  leaseOwner: string;
  leaseTtlMs: number;
  /** Values that must never appear in a reject's reason. */
  secrets?: readonly string[];
  /** This run re-reads the overlap window: its first commit marks the re-read as done. */
  overlap?: boolean;
  /** Called when an unchecked page did not pass PostgreSQL's check and was validated instead. */
  onValidatedAfterCheck?: (why: string) => void;
  /**
   * A repair (README "Repair"): rewrites identical rows too and leaves the entity's cursor
   * where it is, since the records it lands are not the next page of anything.
   */
  repair?: boolean;
}

/** What landing the valid records did. */
interface Landed {
  /** Ids of the records written (inserted or changed). */
  applied: string[];
  inserted: number;
  /** Records the database refused (only when landing record by record). */
  refused: RejectedRecord[];
  /** How many records the page held, as PostgreSQL counted them (an unchecked page). */
  records?: number;
}

/** An unchecked page PostgreSQL's check did not pass: the validator decides instead. */
class PageNeedsValidation extends Error {}

/** Upserts the records of `json` and replaces their children. */
async function landRecords(
  tx: TransactionSql,
  statements: IngestStatements,
  json: string,
  rewrite = false,
): Promise<Landed> {
  if (statements.loadInput) {
    await tx.unsafe(statements.loadInput, [json]);
    return await upsertFromInput(tx, statements, statements, rewrite);
  }
  const rows = await tx.unsafe<{ id: string; inserted: boolean }[]>(
    rewrite ? statements.rewrite : statements.upsert,
    [json],
  );
  return landedRows(rows);
}

/**
 * Lands an unchecked page (the reply as it came): PostgreSQL parses it once into the
 * input table, checking it as it goes (clean_page_check.ts), and upserts from there. A page it
 * does not pass throws PageNeedsValidation before anything is written.
 */
async function landUnchecked(
  tx: TransactionSql,
  statements: IngestStatements,
  page: PreparedPage,
  rewrite: boolean,
): Promise<Landed> {
  const { unchecked } = statements;
  if (page.unchecked === undefined) throw new Error("only an unchecked page lands unchecked");
  await copyReply(tx, page.unchecked);
  const [loaded] = await tx.unsafe<
    { records: number; version_agrees: boolean | null; clean: boolean | null }[]
  >(unchecked.load, [String(page.versionMax)]);
  if (loaded.records === 0 || loaded.version_agrees !== true) {
    throw new PageNeedsValidation("the page's data or version.max read differently");
  }
  if (loaded.clean !== true) throw new PageNeedsValidation("a record needs the validator");
  return { ...await upsertFromInput(tx, statements, unchecked, rewrite), records: loaded.records };
}

/**
 * Upserts the parents in the input table (`upserts`: the entity's, or its unchecked ones) and
 * replaces the children of those it wrote. A parent it inserted has none to replace (the
 * foreign keys cascade a parent's deletion to its children): the upsert inserts theirs in the
 * same statement, so a page of new records (an import's) takes one statement. Only the parents
 * it updated have their children deleted and inserted again. A repair rewrites, and replaces
 * every written parent's children.
 */
async function upsertFromInput(
  tx: TransactionSql,
  statements: IngestStatements,
  upserts: { upsert: string; rewrite: string },
  rewrite: boolean,
): Promise<Landed> {
  const withNewChildren = rewrite ? undefined : statements.upsertWithNewChildren;
  const rows = await tx.unsafe<{ id: string; inserted: boolean }[]>(
    withNewChildren ?? (rewrite ? upserts.rewrite : upserts.upsert),
  );
  const updated = rows.filter((r) => !r.inserted).map((r) => r.id);
  // The parents whose children the children's own statements insert.
  const refilled = withNewChildren ? updated : rows.map((r) => r.id);
  if (refilled.length > 0) {
    for (const child of statements.children) {
      if (updated.length > 0) await tx.unsafe(child.deleteForParents, [updated]);
      await tx.unsafe(child.insertForParents, [refilled]);
    }
  }
  return landedRows(rows);
}

function landedRows(rows: readonly { id: string; inserted: boolean }[]): Landed {
  return {
    applied: rows.map((r) => r.id),
    inserted: rows.filter((r) => r.inserted).length,
    refused: [],
  };
}

// SQLSTATE classes of data the database refuses: a data exception (22: a cast, an overflow,
// JSON it cannot hold), an integrity violation (23: not null, unique, check), or a program
// limit the data reaches (54: JSON nested too deep for its parser, a value too large).
const REFUSED_DATA_CLASSES = ["22", "23", "54"];

/**
 * A value the database refused. Such an error follows the page on every retry; anything else
 * (connection, lease) is worth retrying.
 */
function isRefusedData(
  error: unknown,
  alsoClasses: readonly string[] = [],
): error is Error & { code: string } {
  if (!(error instanceof Error) || error.name !== "PostgresError") return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return false;
  const errorClass = code.slice(0, 2);
  return REFUSED_DATA_CLASSES.includes(errorClass) || alsoClasses.includes(errorClass);
}

// A reason is for the operator: the database's own words, bounded.
const MAX_REASON_MESSAGE = 500;

const tooDeepReason =
  `Rejected by the database: nested deeper than ${MAX_JSON_NESTING} levels, more than it takes`;

/**
 * The slow path, only for a page the database refused: each record in its own savepoint, so
 * the ones it accepts land and each one it refuses is filed as a reject with its reason.
 */
async function landRecordByRecord(
  tx: TransactionSql,
  entity: EntityDefinition,
  statements: IngestStatements,
  pageJson: string,
  secrets: readonly string[],
  rewrite: boolean,
): Promise<Landed> {
  const records = (JSON.parse(pageJson) as { data: unknown[] }).data;
  const landed: Landed = { applied: [], inserted: 0, refused: [] };
  for (const record of records) {
    // Neither PostgreSQL nor JSON.stringify can be trusted with it (json_nesting.ts).
    if (nestsDeeperThan(record, MAX_JSON_NESTING)) {
      landed.refused.push({
        ...identifyRecord(record, entity),
        reason: tooDeepReason,
        raw: record,
      });
      continue;
    }
    try {
      const one = await tx.savepoint(async (sp) => {
        // The input table keeps the previous records' rows until the transaction ends.
        if (statements.loadInput) await sp.unsafe("delete from pg_temp.sync_page_input");
        return await landRecords(sp, statements, JSON.stringify({ data: [record] }), rewrite);
      });
      landed.applied.push(...one.applied);
      landed.inserted += one.inserted;
    } catch (error) {
      if (!isRefusedData(error)) throw error;
      const message = redactSecrets(error.message, secrets).slice(0, MAX_REASON_MESSAGE);
      landed.refused.push({
        ...identifyRecord(record, entity),
        reason: `Rejected by the database: ${message}`,
        raw: record,
      });
    }
  }
  return landed;
}

export async function ingestPage(
  sql: Sql,
  context: IngestContext,
  prepared: PreparedPage,
): Promise<PageCounts> {
  const statements = ingestStatements(context.entity);
  const rewrite = context.repair ?? false;
  let page = prepared;
  if (page.unchecked) {
    try {
      return await landPage(
        sql,
        context,
        page,
        (tx) => landUnchecked(tx, statements, page, rewrite),
      );
    } catch (error) {
      // Rolled back: nothing of it was written. A key repeated in the page (class 21: a row
      // upserted twice) is the validator's to sort out too; anything else (connection, lease)
      // is thrown.
      if (!(error instanceof PageNeedsValidation) && !isRefusedData(error, ["21"])) throw error;
      const code = (error as { code?: string }).code;
      context.onValidatedAfterCheck?.(code ? `SQLSTATE ${code}` : (error as Error).message);
    }
    page = validateUnchecked(context.entity, page);
  }
  try {
    return await landPage(
      sql,
      context,
      page,
      (tx) => landRecords(tx, statements, page.json, rewrite),
    );
  } catch (error) {
    if (!isRefusedData(error) || page.validCount === 0) throw error;
    // Retrying the page as a whole would fail the same way forever.
    console.warn(
      `A page of ${context.entity.name} was refused by the database (SQLSTATE ${error.code}); ` +
        "landing it record by record",
    );
    const secrets = context.secrets ?? [];
    return await landPage(
      sql,
      context,
      page,
      (tx) => landRecordByRecord(tx, context.entity, statements, page.json, secrets, rewrite),
    );
  }
}

// Opens every page's transaction in one round trip (no parameters: one simple query): its
// settings and the session's page tables. Each statement costs the function about 0.3 ms of CPU
// whatever it does (measured), so a page's transaction holds as few as it can.
const pageTransactionStart = [pageTransactionSettings, createReplyTable, createInputTable]
  .join(";\n");

/** The page's one transaction: records, rejects, lease, cursor and the run's counters. */
async function landPage(
  sql: Sql,
  context: IngestContext,
  page: PreparedPage,
  land: (tx: TransactionSql) => Promise<Landed>,
): Promise<PageCounts> {
  const { entity } = context;
  return await sql.begin(async (tx) => {
    await tx.unsafe(pageTransactionStart);
    const landed: Landed = page.unchecked || page.validCount > 0
      ? await land(tx)
      : { applied: [], inserted: 0, refused: [] };
    const received = landed.records ?? page.received;
    const valid = landed.records ?? page.validCount;
    const { applied, inserted } = landed;
    const rejects = landed.refused.length > 0 ? [...page.rejects, ...landed.refused] : page.rejects;
    const counts: PageCounts = {
      received,
      inserted,
      updated: applied.length - inserted,
      unchanged: valid - applied.length - landed.refused.length,
      rejected: rejects.length,
    };
    // Before the rejects are filed: it resolves the earlier rejects of the records now applied
    // (a valid version of a record that was rejected before resolves its reject).
    await recordLandedPage(tx, context, counts, page.versionMax, applied);
    if (rejects.length > 0) {
      await fileRejects(tx, entity.name, context.runId, rejects);
    }
    if (context.overlap) await markOverlapRead(tx, entity.name);
    return counts;
  });
}

/**
 * One statement at the end of the page's transaction: renews the lease (or throws
 * LeaseLostError, rolling the page back), moves the entity's cursor to the page's version.max
 * (not a repair's), counts the page in the run and resolves the earlier rejects of the records
 * it applied. The lease row stays locked until the commit, so a run that took the lease in the
 * meantime makes this page fail rather than both land.
 */
async function recordLandedPage(
  tx: TransactionSql,
  context: IngestContext,
  counts: PageCounts,
  versionMax: number,
  applied: readonly string[],
): Promise<void> {
  // A repair's records are not the next page of anything: the cursor stays where it is.
  const cursor = context.repair ? null : versionMax;
  const entity = context.entity.name;
  const [{ leased }] = await tx<{ leased: boolean }[]>`
    with state as (
      update public.sync_state
      set lease_expires_at = clock_timestamp() + ${context.leaseTtlMs} * interval '1 millisecond',
          cursor = coalesce(${cursor}::bigint, cursor),
          import_records = import_records + case when ${cursor}::bigint is not null
            and import_status = 'running' then ${counts.received} else 0 end,
          import_pages = import_pages + case when ${cursor}::bigint is not null
            and import_status = 'running' then 1 else 0 end,
          updated_at = case when ${cursor}::bigint is null then updated_at else now() end
      where entity = ${entity} and lease_owner = ${context.leaseOwner}::uuid
      returning 1),
    run as (
      update public.sync_log
      set pages = pages + 1,
          records_received = records_received + ${counts.received},
          records_inserted = records_inserted + ${counts.inserted},
          records_updated = records_updated + ${counts.updated},
          records_unchanged = records_unchanged + ${counts.unchanged},
          records_rejected = records_rejected + ${counts.rejected},
          cursor_end = coalesce(${cursor}::bigint, cursor_end)
      where id = ${context.runId}),
    resolved as (
      update public.sync_rejects set resolved_at = now()
      where entity = ${entity} and resolved_at is null
        and record_key = any(${applied as string[]}::text[]))
    select exists (select from state) as leased`;
  if (!leased) throw new LeaseLostError(entity);
}
