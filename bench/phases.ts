// The benchmark's phases as `--only` names them, in the order a run measures them: ingest (A and
// B), replay (D), rate (C), freshness (E). README "Benchmark" describes each.
export const benchPhases = ["ingest", "replay", "rate", "freshness"] as const;
export type BenchPhase = (typeof benchPhases)[number];

/** The phases a comma-separated `--only` list names; an unknown name is an error. */
export function selectedPhases(raw: string): Set<BenchPhase> {
  const named = raw.split(",").map((name) => name.trim());
  const unknown = named.filter((name) => !(benchPhases as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `--only takes ${benchPhases.join(", ")} (comma-separated), not ${unknown.join(", ")}`,
    );
  }
  return new Set(named as BenchPhase[]);
}
