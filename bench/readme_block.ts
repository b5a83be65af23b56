// The README's benchmark figures: the part between two markers, written by `deno task bench`
// from a run's results, never by hand (bench/readme_table_test.ts checks it).
import { repoRoot } from "../dev/paths.ts";
import { runChecked } from "../dev/run_command.ts";

export const blockStart = "<!-- bench:start (written by deno task bench from bench/results) -->";
export const blockEnd = "<!-- bench:end -->";

function blockBounds(readme: string): { from: number; to: number } {
  const start = readme.indexOf(blockStart);
  const end = readme.indexOf(blockEnd);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no "${blockStart}" ... "${blockEnd}" pair`);
  }
  if (readme.indexOf(blockStart, start + 1) !== -1 || readme.indexOf(blockEnd, end + 1) !== -1) {
    throw new Error("README.md has more than one benchmark block");
  }
  return { from: start + blockStart.length, to: end };
}

/** The text between the markers. */
export function readmeBlock(readme: string): string {
  const { from, to } = blockBounds(readme);
  return readme.slice(from, to);
}

/** The README with the text between the markers replaced; the rest is kept byte for byte. */
export function replaceReadmeBlock(readme: string, block: string): string {
  const { from, to } = blockBounds(readme);
  return `${readme.slice(0, from)}\n${block.trim()}\n${readme.slice(to)}`;
}

/** The cells of the first Markdown table in the text, header row included, trimmed. */
export function tableCells(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("|"));
  if (start === -1) throw new Error("no Markdown table");
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    if (/^\|[\s|:-]+\|$/.test(line)) continue; // the delimiter row, however it is padded
    rows.push(line.slice(1, -1).split("|").map((cell) => cell.trim()));
  }
  return rows;
}

/** Writes the block into README.md and formats it as `deno fmt --check` expects. */
export async function writeReadmeBlock(block: string): Promise<void> {
  const path = `${repoRoot}README.md`;
  await Deno.writeTextFile(path, replaceReadmeBlock(await Deno.readTextFile(path), block));
  await runChecked(Deno.execPath(), ["fmt", "--quiet", path], { cwd: repoRoot });
}
