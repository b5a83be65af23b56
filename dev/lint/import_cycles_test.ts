import assert from "node:assert/strict";
import { join } from "../path_helpers.ts";
import { findImportCycles } from "./import_cycles.ts";

/** Writes the files into a fresh temporary folder and runs the check on it. */
async function cyclesIn(files: Record<string, string>) {
  const folder = await Deno.makeTempDir({ prefix: "import_cycles_test_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(join(folder, name, ".."), { recursive: true });
      await Deno.writeTextFile(join(folder, name), text);
    }
    const cycles = await findImportCycles(folder);
    const local = (path: string) => path.slice(folder.length + 1);
    return cycles.map((cycle) => ({
      files: cycle.files.map(local),
      route: cycle.route.map(local),
    }));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

Deno.test("import cycles: a clean tree, packages and missing files are no cycle", async () => {
  assert.deepEqual(
    await cyclesIn({
      "main.ts": 'import { b } from "./lib/b.ts";\nimport { z } from "zod";\nexport const a = b;',
      "lib/b.ts": 'import { c } from "./c.ts";\nexport const b = c;',
      "lib/c.ts": 'import "../gone.ts";\nimport type { X } from "npm:x";\nexport const c = 1;',
    }),
    [],
  );
});

Deno.test("import cycles: a three-file circle is reported in import order", async () => {
  assert.deepEqual(
    await cyclesIn({
      "a.ts": 'import { b } from "./sub/b.ts";\nexport const a = b;',
      "sub/b.ts": 'export { c as b } from "../c.ts";',
      "c.ts":
        'export const c = 1;\nexport async function load() { return await import("./a.ts"); }',
      "d.ts": 'import { a } from "./a.ts";',
    }),
    [{ files: ["a.ts", "c.ts", "sub/b.ts"], route: ["a.ts", "sub/b.ts", "c.ts", "a.ts"] }],
  );
});

Deno.test("import cycles: type-only imports, import types and self-imports count", async () => {
  assert.deepEqual(
    await cyclesIn({
      "types.ts": 'import type { Row } from "./rows.ts";\nexport type Table = Row[];',
      "rows.ts": 'export type Row = { table: import("./types.ts").Table };',
      "self.ts": 'export * from "./self.ts";',
      "template.ts": "const module = import(`./template.ts`);",
    }),
    [
      { files: ["rows.ts", "types.ts"], route: ["rows.ts", "types.ts", "rows.ts"] },
      { files: ["self.ts"], route: ["self.ts", "self.ts"] },
      { files: ["template.ts"], route: ["template.ts", "template.ts"] },
    ],
  );
});

Deno.test("import cycles: two separate circles are two reports", async () => {
  const cycles = await cyclesIn({
    "x/1.ts": 'import "./2.ts";',
    "x/2.ts": 'import "./1.ts";',
    "y/1.ts": 'import "./2.ts";',
    "y/2.ts": 'import "./3.ts";\nimport "./1.ts";',
    "y/3.ts": 'import "./2.ts";',
  });
  assert.deepEqual(cycles.map((cycle) => cycle.files), [
    ["x/1.ts", "x/2.ts"],
    ["y/1.ts", "y/2.ts", "y/3.ts"],
  ]);
  assert.deepEqual(cycles[1].route, ["y/1.ts", "y/2.ts", "y/3.ts", "y/2.ts", "y/1.ts"]);
});
