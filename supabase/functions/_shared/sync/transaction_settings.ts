// The settings every page's transaction lands under, set for that transaction only: a
// transaction pooler may hand the next transaction another session (README "Database
// connections"), so nothing may be left on the session.
//
// - TimeZone UTC: zone-less timestamps from Lightspeed are UTC, and Supavisor drops the
//   TimeZone the connection asked for.
// - TOAST compression lz4, where the server has it (Supabase's Postgres builds since 2023 do):
//   every stored record is a jsonb of a few kB, compressed on write, and pglz compressing the
//   sales' raw took about 60 of the ~95 ms their upsert spent per 500-sale page (lz4: about
//   half as much in all). Values keep the method they were written with; reading either works.
// - JIT off: the temp input table has no statistics, so the planner guesses thousands of
//   rows and compiles the children's insert (about 20 ms per 500-sale page, to save none).
export const pageTransactionSettings = `select set_config('TimeZone', 'UTC', true),
  set_config('jit', 'off', true),
  (select set_config('default_toast_compression', 'lz4', true) from pg_settings
    where name = 'default_toast_compression' and 'lz4' = any(enumvals))`;
