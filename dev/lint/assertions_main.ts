// deno task lint:assertions: assertions in the tests and chaos scenarios that cannot fail
// (CONTRIBUTING.md "Assertions that can fail"), one line per finding. Exits 1 when it finds any;
// `npm test` runs it as a check.
import { assertionAuditLines } from "./assertion_report.ts";

const lines = await assertionAuditLines();
for (const line of lines) console.log(line);
console.log(`${lines.length} ${lines.length === 1 ? "assertion" : "assertions"} that cannot fail`);
if (lines.length > 0) Deno.exit(1);
