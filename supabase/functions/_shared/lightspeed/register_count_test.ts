import assert from "node:assert/strict";
import type { JsonReply, QueryParams } from "./client.ts";
import { readRegisterCount } from "./register_count.ts";
import { ReplyBody } from "./reply_body.ts";

/** A client that serves the given pages of /registers in turn, then an empty page. */
function pagedRegisters(pages: unknown[][]) {
  const requests: QueryParams[] = [];
  let version = 0;
  return {
    requests,
    getJson(path: string, params: QueryParams): Promise<JsonReply> {
      assert.equal(path, "/registers");
      requests.push(params);
      const data = pages[requests.length - 1] ?? [];
      const body = data.length === 0
        ? { data: [] }
        : { data, version: { min: version + 1, max: version += data.length } };
      return Promise.resolve({ body, reply: ReplyBody.fromText(JSON.stringify(body)) });
    },
  };
}

Deno.test("readRegisterCount() counts registers over every page, leaving deleted ones out", async () => {
  const client = pagedRegisters([
    [{ id: "r1", deleted_at: null }, { id: "r2" }, {
      id: "r3",
      deleted_at: "2026-01-01T00:00:00Z",
    }],
    [{ id: "r4", deleted_at: null }],
  ]);
  assert.equal(await readRegisterCount(client, Date.now() + 1000), 3);
  assert.equal(client.requests.length, 3, "two pages, then the empty page that ends paging");
  assert.equal(client.requests[0].deleted, undefined, "deleted registers are not asked for");
  assert.equal(client.requests[1].after, 3, "the second page continues from the first's max");
});

Deno.test("readRegisterCount() of a store without registers is 0", async () => {
  assert.equal(await readRegisterCount(pagedRegisters([]), Date.now() + 1000), 0);
});
