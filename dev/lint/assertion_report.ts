// Runs the assertion audit (assertion_audit.ts) on the repository's tests and chaos scenarios
// and words what it finds, one line per finding: `path:line rule: what`.
import nodePath from "node:path";
import { repoRoot } from "../paths.ts";
import { auditSource } from "./assertion_audit.ts";
import { listSourceFiles, parseSourceFile } from "./source_files.ts";

/** `*_test.ts` files anywhere, and the chaos suite's scenario files. */
export async function auditedFiles(root: string): Promise<string[]> {
  const chaos = nodePath.join(root, "chaos") + nodePath.sep;
  return (await listSourceFiles(root)).filter((file) =>
    file.endsWith("_test.ts") || (file.startsWith(chaos) && file.endsWith(".ts"))
  );
}

export async function assertionAuditLines(root = repoRoot): Promise<string[]> {
  const lines: string[] = [];
  for (const file of await auditedFiles(root)) {
    for (const finding of auditSource(await parseSourceFile(file))) {
      const where = `${nodePath.relative(root, finding.file)}:${finding.line}`;
      lines.push(`${where} ${finding.rule}: ${finding.message}`);
    }
  }
  return lines;
}
