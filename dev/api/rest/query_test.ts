import assert from "node:assert/strict";
import {
  parseAssignments,
  parseList,
  parseReadQuery,
  QueryError,
  quoteIdentifier,
} from "./query.ts";

Deno.test("parseReadQuery() turns supabase-js filters into parameterised SQL", () => {
  const q = parseReadQuery(
    new URLSearchParams(
      "select=id,entity&entity=eq.sales&status=in.(failed,partial)&started_at=gte.2026-01-01" +
        "&resolved_at=is.null&id=not.eq.3&order=started_at.desc.nullslast,id.asc&limit=25&offset=50",
    ),
    1000,
  );
  assert.equal(q.columns, '"id", "entity"');
  assert.equal(
    q.where,
    'where "entity" = $1 and "status" in ($2, $3) and "started_at" >= $4 and ' +
      '"resolved_at" is null and not ("id" = $5)',
  );
  assert.deepEqual(q.params, ["sales", "failed", "partial", "2026-01-01", "3"]);
  assert.equal(q.orderBy, 'order by "started_at" desc nulls last, "id" asc');
  assert.equal(q.limit, 25);
  assert.equal(q.offset, 50);
});

Deno.test("parseReadQuery() caps the limit at max rows", () => {
  assert.equal(parseReadQuery(new URLSearchParams("limit=5000"), 1000).limit, 1000);
  assert.equal(parseReadQuery(new URLSearchParams(""), 1000).limit, 1000);
});

Deno.test("parseReadQuery() keeps hostile values as parameters and rejects hostile names", () => {
  const q = parseReadQuery(new URLSearchParams({ entity: "eq.x'; drop table sync_log; --" }), 10);
  assert.deepEqual(q.params, ["x'; drop table sync_log; --"]);
  for (
    const bad of [
      "select=id;drop",
      'select=id"x',
      "select=count(*)",
      "Entity=eq.1",
      "order=id desc",
      "limit=1;",
      "id=like.x",
      "id=nooperator",
    ]
  ) {
    assert.throws(() => parseReadQuery(new URLSearchParams(bad), 10), QueryError, bad);
  }
  assert.throws(() => quoteIdentifier('a"b'), QueryError);
});

Deno.test("parseList() honours PostgREST quoting", () => {
  assert.deepEqual(parseList('(a,"b,c","d\\"e")'), ["a", "b,c", 'd"e']);
  assert.deepEqual(parseList("()"), []);
  assert.throws(() => parseList("a,b"), QueryError);
});

Deno.test("parseAssignments() numbers parameters after the filters' and checks names", () => {
  const values: unknown[] = ["x"];
  assert.equal(
    parseAssignments({ enabled: false, yellow_after: "1 hour" }, values),
    '"enabled" = $2, "yellow_after" = $3',
  );
  assert.deepEqual(values, ["x", false, "1 hour"]);
  assert.throws(() => parseAssignments({ "a=1, b": 1 }, []), QueryError);
  assert.throws(() => parseAssignments([], []), QueryError);
});
