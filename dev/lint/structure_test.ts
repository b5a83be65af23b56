// The functions' code keeps its structure: no import cycle, and no function longer than a
// screen unless a `// long-function: <reason>` comment above it says why.
import assert from "node:assert/strict";
import { importCycleLines, longFunctionLines } from "./structure_report.ts";

const folder = "supabase/functions";

Deno.test(`structure: ${folder} has no import cycle`, async () => {
  const cycles = await importCycleLines(folder);
  assert.ok(cycles.length === 0, `${cycles.length} found:\n${cycles.join("\n")}`);
});

Deno.test(`structure: ${folder} has no unexplained function over 60 lines`, async () => {
  const long = await longFunctionLines(folder);
  assert.ok(long.length === 0, `${long.length} found:\n${long.join("\n")}`);
});
