// deno task lint:structure [folder...]: import cycles and functions over 60 lines without a
// `// long-function: <reason>` comment, in the given folders (default supabase/functions).
// Exits 1 when it finds any.
import { importCycleLines, longFunctionLines } from "./structure_report.ts";

const folders = Deno.args.length > 0 ? Deno.args : ["supabase/functions"];
let findings = 0;
for (const folder of folders) {
  const lines = [...await importCycleLines(folder), ...await longFunctionLines(folder)];
  for (const line of lines) console.log(line);
  findings += lines.length;
}
console.log(
  `${findings} structure ${findings === 1 ? "problem" : "problems"} in ${folders.join(", ")}`,
);
if (findings > 0) Deno.exit(1);
