// The demo's own proof, on a simulated store: every value the sync stored equals the store's,
// checked by the tests' oracle (dev/testing/compare_with_source.ts).
import { isEntityName } from "../supabase/functions/_shared/entities/registry.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { compareWithSource } from "./testing/compare_with_source.ts";

/** Compares the synced entities with the store, says how it went; returns the differences. */
export async function checkAgainstStore(
  sql: Sql,
  controlUrl: string,
  entities: readonly string[],
  log: (line: string) => void,
): Promise<number> {
  const { rowsCompared, mismatches } = await compareWithSource(
    sql,
    controlUrl,
    entities.filter(isEntityName),
  );
  if (mismatches.length === 0) {
    log(`  Every stored value equals the store's: ${rowsCompared} rows compared, value by value.`);
  } else {
    log(`  ${mismatches.length} differences from the store, e.g.:`);
    for (const line of mismatches.slice(0, 5)) log(`    ${line}`);
  }
  return mismatches.length;
}
