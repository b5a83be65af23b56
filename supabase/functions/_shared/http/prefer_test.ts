import assert from "node:assert/strict";
import { preferenceNames, prefersRespondAsync } from "./prefer.ts";

const asks = (value: string) => prefersRespondAsync(new Headers({ prefer: value }));

Deno.test("Prefer: respond-async alone, in any case, among other preferences", () => {
  assert.equal(asks("respond-async"), true);
  assert.equal(asks("Respond-Async"), true);
  assert.equal(asks("RESPOND-ASYNC"), true);
  assert.equal(asks("respond-async, wait=10"), true);
  assert.equal(asks("wait=10,respond-async"), true);
  assert.equal(asks("  return=minimal ,  respond-async  "), true);
  assert.equal(asks("handling=lenient; foo=bar, respond-async; x=1"), true);
  assert.equal(asks('foo="a, b", respond-async'), true);
});

Deno.test("Prefer without respond-async, or with it only inside a value, asks for nothing async", () => {
  assert.equal(prefersRespondAsync(new Headers()), false);
  assert.equal(asks(""), false);
  assert.equal(asks("wait=10"), false);
  assert.equal(asks("return=respond-async"), false);
  assert.equal(asks('foo="x, respond-async"'), false);
  assert.equal(asks('foo="x \\", respond-async"'), false);
  assert.equal(asks("respond-asynchronously"), false);
  assert.equal(asks("handling=strict; respond-async"), false, "a parameter, not a preference");
});

Deno.test("several Prefer headers read as one list", () => {
  const headers = new Headers();
  headers.append("prefer", "wait=5");
  headers.append("prefer", "respond-async");
  assert.equal(prefersRespondAsync(headers), true);
});

Deno.test("preference names are tokens, lower-cased, values and parameters dropped", () => {
  assert.deepEqual(
    [...preferenceNames('Return=Minimal; a=b, WAIT = 10, "quoted", respond-async, ,')],
    ["return", "wait", "respond-async"],
  );
  assert.deepEqual([...preferenceNames(null)], []);
});
