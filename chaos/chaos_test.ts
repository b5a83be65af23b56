// The whole-system fault and security suite (issue 8), in one test module so the scenarios run
// in this order and the summary comes last. Part of `npm test`; alone: `deno task test:chaos`.
import "./crashes.ts";
import "./db_restart.ts";
import "./storms.ts";
import "./bad_input.ts";
import "./summary.ts";
