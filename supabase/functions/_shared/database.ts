// The functions' one connection pool per isolate, through SYNC_DATABASE_URL (Supabase's
// transaction pooler) or else SUPABASE_DB_URL (the direct connection); both bypass RLS by
// design: the sync writes, staff read through RLS.
//
// Everything the functions send must work under transaction pooling (README "Database
// connections"), where each transaction may run on another server connection: no prepared
// statements, and no session state that a later transaction relies on. What session state there
// is stays inside one transaction: the page input table is created in the transaction that fills
// it and emptied at its end (sync/ingest_statements.ts), advisory locks are transaction-scoped
// (pg_advisory_xact_lock), and nothing uses SET, LISTEN or session advisory locks.
import postgres from "postgres";
import { connectWithoutDelay } from "./database_socket.ts";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

// TCP_NODELAY, as libpq sets it (database_socket.ts). postgres.js documents the option
// ("Custom socket" in its README) but leaves it out of its type definitions.
const noDelaySocket: object = { socket: connectWithoutDelay };

export function createDatabase(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 6,
    idle_timeout: 20,
    connect_timeout: 10,
    // Off always, not only with SYNC_DATABASE_URL: a transaction pooler (Supavisor, PgBouncer
    // before 1.21) cannot keep a connection's named statements, and one code path means the
    // pooled path is the one every test exercises. Little is lost: the statements are few and
    // set-based (a page per statement), so planning is a small share of their time.
    prepare: false,
    onnotice: () => {},
    ...noDelaySocket,
    // Startup parameters every pooler accepts (PgBouncer refuses any it cannot track). A pooler
    // may drop TimeZone (Supavisor does), so the page transactions that read zone-less
    // timestamps also set it for themselves (sync/ingest_page.ts).
    connection: { TimeZone: "UTC", application_name: "lightspeed-sync" },
    types: {
      // Versions (above 2^32) and counters fit a JS number below 2^53; read int8 as numbers.
      int8AsNumber: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => value.toString(),
        parse: parseSafeInteger,
      },
    },
  });
}

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value "${text}" exceeds 2^53`);
  return value;
}
