import assert from "node:assert/strict";
import {
  blockEnd,
  blockStart,
  readmeBlock,
  replaceReadmeBlock,
  tableCells,
} from "./readme_block.ts";

const readme = `# Title\n\nBefore.\n\n${blockStart}\nold figures\n${blockEnd}\n\nAfter.\n`;

Deno.test("the block between the markers is replaced, the rest kept byte for byte", () => {
  const next = replaceReadmeBlock(readme, "\n| figure | measured |\n|---|---|\n| a | 1 |\n");
  assert.equal(
    next,
    `# Title\n\nBefore.\n\n${blockStart}\n| figure | measured |\n|---|---|\n| a | 1 |\n${blockEnd}\n\nAfter.\n`,
  );
  assert.equal(readmeBlock(next), "\n| figure | measured |\n|---|---|\n| a | 1 |\n");
  assert.equal(replaceReadmeBlock(next, "old figures"), readme, "replacing again round-trips");
});

Deno.test("a README without its markers, or with two blocks, is refused", () => {
  assert.throws(() => replaceReadmeBlock("# Title\n", "x"), /no .* pair/);
  assert.throws(() => readmeBlock(`${blockEnd}\n${blockStart}\n`), /no .* pair/);
  assert.throws(() => readmeBlock(readme + readme), /more than one/);
});

Deno.test("table cells are read however the columns are padded", () => {
  const padded =
    "text\n\n| figure   | measured |\n| -------- | -------- |\n| a b      | 1 s      |\n\nafter";
  assert.deepEqual(tableCells(padded), [["figure", "measured"], ["a b", "1 s"]]);
  assert.deepEqual(tableCells("|x|\n|---|\n|1|"), [["x"], ["1"]]);
  assert.throws(() => tableCells("no table"), /no Markdown table/);
});
