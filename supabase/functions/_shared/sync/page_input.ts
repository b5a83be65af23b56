// The session's input table: a page's records, loaded once per transaction and read by each of
// the statements that land it (ingest_statements.ts).

// Safe under transaction pooling: every transaction that fills it creates it if its session
// lacks it, and its rows are gone when that transaction ends, so no state crosses transactions.
export const createInputTable =
  "create temp table if not exists sync_page_input (r jsonb not null) on commit delete rows";

// Each record read from the table once: a stored record over ~2 kB is compressed (TOAST), and
// PostgreSQL decompresses it again for every field an expression reads (some 35 per sale),
// unless a subquery that is not flattened (offset 0) hands on a decompressed copy (`|| '{}'`
// returns its detoasted argument).
export const inputRecords = "(select r || '{}'::jsonb from pg_temp.sync_page_input offset 0)";
