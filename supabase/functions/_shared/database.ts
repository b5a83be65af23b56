// The functions' one connection pool per isolate, through SUPABASE_DB_URL (bypasses RLS by
// design: the sync writes, staff read through RLS).
import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export function createDatabase(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 6,
    idle_timeout: 20,
    connect_timeout: 10,
    // Works through Supabase's transaction pooler as well as a direct connection.
    prepare: false,
    onnotice: () => {},
    // Zone-less timestamps from Lightspeed are UTC.
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
