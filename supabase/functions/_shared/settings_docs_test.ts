// README's settings table and supabase/functions/.env.example name exactly the declared
// settings, with the same defaults and ranges.
import assert from "node:assert/strict";
import { declaredSettings } from "./settings.ts";

const repoRoot = new URL("../../../", import.meta.url);

/** README's "Settings (function secrets)" rows: name and meaning. */
async function readmeRows(): Promise<Map<string, string>> {
  const readme = await Deno.readTextFile(new URL("README.md", repoRoot));
  const section = readme.split(/^## /m).find((part) => part.startsWith("Settings"));
  assert.ok(section, 'README.md has no "## Settings" section');
  const rows = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\| (.*?) *\|$/gm)];
  return new Map(rows.map(([, name, meaning]) => [name, meaning]));
}

/** The settings .env.example sets or shows commented out, with the value it gives. */
async function envExampleValues(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(new URL("supabase/functions/.env.example", repoRoot));
  const lines = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)];
  return new Map(lines.map(([, name, value]) => [name, value.trim()]));
}

Deno.test("README's settings table names every setting except the tests' own", async () => {
  // The README is where an operator looks up a name met in an error or a log, so it lists the
  // platform's settings too. LIGHTSPEED_RATE_WINDOW_MS is left out: Lightspeed's window is a
  // fixed 5 minutes, and only the tests shrink it to run in seconds.
  const expected = declaredSettings().filter((setting) => setting.setBy !== "tests");
  const rows = await readmeRows();
  assert.deepEqual([...rows.keys()].sort(), expected.map((setting) => setting.name).sort());
});

Deno.test("README states the declared defaults and ranges", async () => {
  const rows = await readmeRows();
  for (const { name, shape } of declaredSettings()) {
    const meaning = rows.get(name);
    if (meaning === undefined) continue;
    const fallback = "default" in shape ? shape.default : undefined;
    const stated = meaning.match(/default ([\d.]+)/)?.[1];
    assert.equal(stated, fallback === undefined ? undefined : String(fallback), name);
    const range = meaning.match(/\((\d+)–(\d+)\)/);
    if (range && shape.kind === "integer") {
      assert.deepEqual([Number(range[1]), Number(range[2])], [shape.min, shape.max], name);
    }
  }
});

Deno.test(".env.example names exactly the settings an operator sets", async () => {
  // Supabase gives every function SUPABASE_URL, SUPABASE_DB_URL and its key variables, and
  // `supabase secrets set` refuses names starting with SUPABASE_ (docs/deploy.md), so the file
  // an operator copies must not carry them; nor the tests' LIGHTSPEED_RATE_WINDOW_MS.
  const expected = declaredSettings().filter((setting) => setting.setBy === "operator");
  const values = await envExampleValues();
  assert.deepEqual([...values.keys()].sort(), expected.map((setting) => setting.name).sort());
  for (const { name, shape } of expected) {
    if ("default" in shape && shape.default !== undefined) {
      assert.equal(values.get(name), String(shape.default), `${name} shows its default`);
    }
  }
});
