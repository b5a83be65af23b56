import assert from "node:assert/strict";
import ts from "typescript";
import { join } from "../path_helpers.ts";
import { findLongFunctions, longFunctionsIn } from "./function_length.ts";

/** `n` statement lines, so a function with them spans n + 2 lines. */
function body(n: number, indent = "  "): string {
  return Array.from({ length: n }, (_, i) => `${indent}console.log(${i});`).join("\n");
}

function longIn(text: string, maxLines = 60) {
  const source = ts.createSourceFile("sample.ts", text, ts.ScriptTarget.Latest, true);
  return longFunctionsIn(source, maxLines).map(({ name, startLine, endLine, lines }) => ({
    name,
    startLine,
    endLine,
    lines,
  }));
}

Deno.test("function length: 60 lines pass, 61 lines are reported with where they are", () => {
  assert.deepEqual(longIn(`function fits() {\n${body(58)}\n}\n`), []);
  assert.deepEqual(longIn(`// note\nfunction tooLong() {\n${body(59)}\n}\n`), [
    { name: "tooLong", startLine: 2, endLine: 62, lines: 61 },
  ]);
});

Deno.test("function length: every kind of function is measured", () => {
  const text = [
    `export const arrow = async () => {\n${body(3)}\n};`,
    `const expression = function () {\n${body(3)}\n};`,
    `class Box {\n  constructor() {\n${body(3, "    ")}\n  }`,
    `  method() {\n${body(3, "    ")}\n  }`,
    `  get size() {\n${body(3, "    ")}\n    return 1;\n  }`,
    `  set size(value: number) {\n${body(3, "    ")}\n  }\n}`,
    `const handlers = {\n  onEvent() {\n${body(3, "    ")}\n  },\n};`,
    `Deno.test("a test", () => {\n${body(3)}\n});`,
    `Deno.test({\n  name: "named",\n  async fn() {\n${body(3, "    ")}\n  },\n});`,
    `Deno.test({ name: "arrow", fn: () => {\n${body(3)}\n} });`,
    `const short = () => 1;\nconst expressionBody = () =>\n  [\n    1,\n    2,\n    3,\n  ];`,
    "declare function signature(): void;",
  ].join("\n");
  assert.deepEqual(longIn(text, 4).map((found) => found.name), [
    "arrow",
    "expression",
    "constructor",
    "method",
    "size",
    "size",
    "onEvent",
    'Deno.test("a test") callback',
    'fn of "named"',
    'fn of "arrow"',
  ]);
});

Deno.test("function length: a stated reason above the function or its statement excuses it", () => {
  const long = body(61);
  const excused = [
    `// long-function: one state machine, read top to bottom\nfunction a() {\n${long}\n}`,
    `/** Docs. */\n// long-function: generated table\nexport function b() {\n${long}\n}`,
    `// long-function: a test's steps\nDeno.test("c", async () => {\n${long}\n});`,
    `// long-function: the call's callback\nawait run(\n  "d",\n  () => {\n${long}\n  },\n);`,
    `class E {\n  // long-function: a parser\n  parse() {\n${long}\n  }\n}`,
  ];
  for (const text of excused) assert.deepEqual(longIn(text), [], text);
});

Deno.test("function length: a reason elsewhere, or none, does not count", () => {
  const long = body(61);
  const reported = [
    `// long-function:\nfunction noReason() {\n${long}\n}`,
    `// long-function: too far\n\nfunction blankLineBetween() {\n${long}\n}`,
    `// long-function: wrong word\n/** Docs. */\nfunction docsBetween() {\n${long}\n}`,
    `// long-function: only the outer one\nfunction outer() {\n  const inner = () => {\n${long}\n  };\n}`,
  ];
  assert.deepEqual(
    reported.map((text) => longIn(text).map((found) => found.name)),
    [["noReason"], ["blankLineBetween"], ["docsBetween"], ["inner"]],
  );
});

Deno.test("function length: findLongFunctions reads every source file of a folder", async () => {
  const folder = await Deno.makeTempDir({ prefix: "function_length_test_" });
  try {
    await Deno.mkdir(join(folder, "sub"));
    await Deno.writeTextFile(join(folder, "sub", "long.ts"), `function f() {\n${body(70)}\n}\n`);
    await Deno.writeTextFile(join(folder, "short.mjs"), "export function g() {}\n");
    const found = await findLongFunctions(folder);
    assert.deepEqual(found.map(({ file, lines }) => [file, lines]), [
      [join(folder, "sub", "long.ts"), 72],
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
