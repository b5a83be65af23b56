import assert from "node:assert/strict";
import { startSimulator } from "../../../../simulator/mod.ts";
import {
  createLightspeedClient,
  type JsonReply,
  type LightspeedClient,
  type RequestOptions,
} from "./client.ts";
import { LightspeedResponseError } from "./errors.ts";
import { pageByVersion, type PageByVersionOptions, type VersionPage } from "./pager.ts";
import type { RequestBudget } from "./request_budget.ts";
import { ReplyBody } from "./reply_body.ts";

/** Paging tests measure the pager, not pacing: an always-open budget. */
const openBudget: RequestBudget = {
  acquire: () => Promise.resolve(),
  pauseUntil: () => Promise.resolve(),
};

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

interface VersionedRecord {
  id: string;
  version: number;
  deleted_at?: string | null;
}

/** Starts a simulator for one test and always stops it. */
async function withSimulator(
  settings: Parameters<typeof startSimulator>[0],
  run: (simulator: Simulator, client: LightspeedClient) => Promise<void>,
): Promise<void> {
  const simulator = await startSimulator(settings);
  try {
    const client = createLightspeedClient({
      baseUrl: simulator.apiBaseUrl,
      token: simulator.token,
      budget: openBudget,
      maxAttempts: 1,
    });
    await run(simulator, client);
  } finally {
    await simulator.stop();
  }
}

async function dump(simulator: Simulator, entity: string): Promise<VersionedRecord[]> {
  const response = await fetch(`${simulator.controlUrl}/dump?entity=${entity}`);
  assert.equal(response.status, 200, `dump of ${entity}`);
  const body = await response.json();
  return Array.isArray(body) ? body : body.records ?? body.data;
}

async function collect(
  client: LightspeedClient,
  options: Omit<PageByVersionOptions, "deadline">,
): Promise<VersionPage[]> {
  const pages: VersionPage[] = [];
  for await (const page of pageByVersion(client, { ...options, deadline: Date.now() + 60_000 })) {
    pages.push(page);
  }
  return pages;
}

/** A page's records, which a pager without scanOnly always parses. */
function parsedRecords(page: VersionPage): unknown[] {
  assert.ok(page.records !== null, "a parsed page");
  return page.records;
}

const parseText = (reply: ReplyBody): unknown => JSON.parse(reply.text);

/** A client reply carrying `body`, as the real client returns it. */
const reply = (body: unknown): JsonReply => ({
  body,
  reply: ReplyBody.fromText(JSON.stringify(body) ?? ""),
});

const idsOf = (pages: VersionPage[]) =>
  pages.flatMap((page) => parsedRecords(page).map((record) => (record as VersionedRecord).id));

/** Each page continues exactly from the previous page's version.max. */
function assertChained(pages: VersionPage[], after: number): void {
  let cursor = after;
  for (const page of pages) {
    assert.equal(page.requestAfter, cursor);
    assert.ok(page.versionMin > cursor && page.versionMax >= page.versionMin);
    for (const record of parsedRecords(page)) {
      const { version } = record as VersionedRecord;
      assert.ok(version > cursor && version <= page.versionMax, `version ${version} in page`);
    }
    cursor = page.versionMax;
  }
}

Deno.test("pageByVersion() yields nothing when after is beyond the newest version", async () => {
  await withSimulator({ seed: 7 }, async (simulator, client) => {
    const newest = Math.max(...(await dump(simulator, "customers")).map((r) => r.version));
    const pages = await collect(client, {
      path: "/customers",
      after: newest,
      pageSize: 50,
      deleted: true,
    });
    assert.deepEqual(pages, []);
    assert.equal(client.stats.requests, 1);
  });
});

Deno.test("pageByVersion() on an empty store makes one request and yields no page", async () => {
  await withSimulator({ seed: 7, scale: { sales: 0 } }, async (simulator, client) => {
    assert.deepEqual(await dump(simulator, "sales"), []);
    const pages = await collect(client, { path: "/sales", pageSize: 500, deleted: false });
    assert.deepEqual(pages, []);
    assert.equal(client.stats.requests, 1, "the empty first page ends the list");
  });
});

Deno.test("pageByVersion() reads a short list in one page and one empty page", async () => {
  await withSimulator({ seed: 7, outlets: 3 }, async (simulator, client) => {
    const pages = await collect(client, { path: "/outlets", pageSize: 100, deleted: true });
    assert.equal(pages.length, 1);
    assertChained(pages, 0);
    const expected = await dump(simulator, "outlets");
    assert.deepEqual(idsOf(pages).sort(), expected.map((r) => r.id).sort());
    assert.equal(pages[0].versionMax, Math.max(...expected.map((r) => r.version)));
    assert.equal(client.stats.requests, 2, "one data page plus the empty page that ends it");
  });
});

Deno.test("pageByVersion() follows version.max across many pages with version gaps", async () => {
  await withSimulator({ seed: 11 }, async (simulator, client) => {
    const pages = await collect(client, { path: "/customers", pageSize: 7, deleted: true });
    const expected = await dump(simulator, "customers");
    assert.ok(pages.length > 5, `only ${pages.length} pages`);
    assert.ok(pages.every((page) => parsedRecords(page).length <= 7));
    assertChained(pages, 0);
    const ids = idsOf(pages);
    assert.equal(new Set(ids).size, ids.length, "no record twice");
    assert.deepEqual(ids.sort(), expected.map((r) => r.id).sort());
    const versions = expected.map((r) => r.version).sort((a, b) => a - b);
    assert.ok(versions.some((v, i) => i > 0 && v - versions[i - 1] > 1), "feed has version gaps");
    assert.ok(versions[0] > 2 ** 32, "versions are above 2^32");
  });
});

Deno.test("pageByVersion() resumes from a saved cursor mid-feed", async () => {
  await withSimulator({ seed: 11 }, async (_simulator, client) => {
    const all = await collect(client, { path: "/products", pageSize: 25, deleted: true });
    const resumeFrom = all[1].versionMax;
    const rest = await collect(client, {
      path: "/products",
      after: resumeFrom,
      pageSize: 25,
      deleted: true,
    });
    assertChained(rest, resumeFrom);
    assert.deepEqual(idsOf(rest), idsOf(all.slice(2)));
  });
});

Deno.test("pageByVersion() sends deleted=true only when asked", async () => {
  await withSimulator({ seed: 3 }, async (simulator, client) => {
    const mutated = await fetch(`${simulator.controlUrl}/mutate`, {
      method: "POST",
      body: JSON.stringify({ customerDeletes: 5 }),
    });
    assert.equal(mutated.status, 200, await mutated.text());
    const expected = await dump(simulator, "customers");
    const deletedIds = expected.filter((r) => r.deleted_at != null).map((r) => r.id);
    assert.ok(deletedIds.length > 0, "the simulated store has soft-deleted customers");

    const withDeleted = idsOf(
      await collect(client, { path: "/customers", pageSize: 200, deleted: true }),
    );
    assert.deepEqual(withDeleted.sort(), expected.map((r) => r.id).sort());

    const withoutDeleted = idsOf(
      await collect(client, { path: "/customers", pageSize: 200, deleted: false }),
    );
    assert.equal(withoutDeleted.length, expected.length - deletedIds.length);
    assert.ok(deletedIds.every((id) => !withoutDeleted.includes(id)));
  });
});

Deno.test("pageByVersion() keeps going past short pages when the server caps page_size", async () => {
  await withSimulator({ seed: 5, scale: { sales: 1_100 } }, async (simulator, client) => {
    const pages = await collect(client, { path: "/sales", pageSize: 1_000, deleted: false });
    assert.ok(pages.length >= 3, `sales capped at 500 need 3 pages, got ${pages.length}`);
    assert.ok(pages.every((page) => parsedRecords(page).length <= 500), "the cap is 500 for sales");
    assertChained(pages, 0);
    const expected = await dump(simulator, "sales");
    assert.deepEqual(idsOf(pages).sort(), expected.map((r) => r.id).sort());
  });
});

for (const emptyPageVersion of ["null", "missing", "zeros", "nulls"] as const) {
  Deno.test(`pageByVersion() ends on an empty page whose version is ${emptyPageVersion}`, async () => {
    await withSimulator({ seed: 9, emptyPageVersion }, async (simulator, client) => {
      const pages = await collect(client, { path: "/registers", pageSize: 4, deleted: true });
      const expected = await dump(simulator, "registers");
      assertChained(pages, 0);
      assert.deepEqual(idsOf(pages).sort(), expected.map((r) => r.id).sort());
      const newest = Math.max(...expected.map((r) => r.version));
      assert.equal(pages.at(-1)?.versionMax, newest, "the cursor comes from the last data page");

      const none = await collect(client, {
        path: "/registers",
        after: newest,
        pageSize: 4,
        deleted: true,
      });
      assert.deepEqual(none, [], "an empty page never yields a cursor");
    });
  });
}

Deno.test("pageByVersion() rejects a page whose version.max does not advance", async () => {
  const stuck = {
    getJson: () => Promise.resolve(reply({ data: [{ id: "a" }], version: { min: 5, max: 5 } })),
  };
  const pages = pageByVersion(stuck, {
    path: "/customers",
    after: 5,
    pageSize: 10,
    deleted: false,
    deadline: Date.now() + 1000,
  });
  await assert.rejects(pages.next(), (error: unknown) => {
    assert.ok(error instanceof LightspeedResponseError);
    assert.match(error.message, /version\.max "5" does not advance past after "5"/);
    return true;
  });
});

Deno.test("pageByVersion() rejects envelopes without data or with unsafe versions", async () => {
  const replies: unknown[] = [
    { version: { min: 1, max: 2 } },
    { data: "nope" },
    [],
    { data: [{}] },
    { data: [{}], version: { min: 1, max: null } },
    { data: [{}], version: { min: 1, max: 2 ** 60 } },
    { data: [{}], version: { min: "1", max: "2" } },
    { data: [{}], version: { min: 9, max: 3 } },
  ];
  for (const body of replies) {
    const client = { getJson: () => Promise.resolve(reply(body)) };
    const pages = pageByVersion(client, {
      path: "/sales",
      pageSize: 10,
      deleted: false,
      deadline: Date.now() + 1000,
    });
    await assert.rejects(pages.next(), LightspeedResponseError, JSON.stringify(body));
  }
});

Deno.test("pageByVersion() sends after, before, page_size and deleted as query parameters", async () => {
  const calls: Record<string, unknown>[] = [];
  const client = {
    getJson: (_path: string, params: Record<string, unknown>) => {
      calls.push(params);
      return Promise.resolve(reply({ data: [], version: null }));
    },
  };
  await collect(client as unknown as LightspeedClient, {
    path: "/customers",
    after: 10,
    before: 99,
    pageSize: 3,
    deleted: true,
  });
  await collect(client as unknown as LightspeedClient, {
    path: "/sales",
    pageSize: 3,
    deleted: false,
  });
  assert.deepEqual(calls, [
    { after: 10, before: 99, page_size: 3, deleted: "true" },
    { after: 0, before: undefined, page_size: 3, deleted: undefined },
  ]);
});

Deno.test("pageByVersion() with scanOnly pages as the parsed pager does, leaving records in the text", async () => {
  await withSimulator({ seed: 41, scale: { sales: 120 } }, async (_simulator, client) => {
    const options = { path: "/sales", after: 0, pageSize: 50, deleted: false };
    const parsed = await collect(client, options);
    const scanned = await collect(client, { ...options, scanOnly: true });
    assert.ok(parsed.length >= 3);
    assert.deepEqual(
      scanned.map((p) => [p.requestAfter, p.versionMin, p.versionMax]),
      parsed.map((p) => [p.requestAfter, p.versionMin, p.versionMax]),
    );
    for (const [i, page] of scanned.entries()) {
      assert.equal(page.records, null);
      assert.deepEqual(JSON.parse(page.reply?.text ?? "").data, parsed[i].records);
    }
  });
});

Deno.test("pageByVersion() with scanOnly parses a reply of another shape and checks it as ever", async () => {
  const replies = [
    // Version first: the ends do not give it, so the reply is parsed.
    { version: { min: 5, max: 6 }, data: [{ id: "a", version: 6 }] },
    { version: { min: 7, max: 7 }, data: [{ id: "b", version: 7 }] },
    { data: [], version: null },
  ];
  const client = {
    getJson: (_path: string, _params: unknown, options: RequestOptions) => {
      const text = JSON.stringify(replies.shift());
      const reply = ReplyBody.fromText(text);
      return Promise.resolve({ body: (options.readBody ?? parseText)(reply), reply });
    },
  };
  const pages = await collect(client as unknown as LightspeedClient, {
    path: "/sales",
    after: 4,
    pageSize: 1,
    deleted: false,
    scanOnly: true,
  });
  assert.deepEqual(pages.map((p) => [p.records, p.versionMax]), [
    [[{ id: "a", version: 6 }], 6],
    [[{ id: "b", version: 7 }], 7],
  ]);
  // A scanned version that does not move past `after` is refused like a parsed one.
  const stuck = {
    getJson: (_path: string, _params: unknown, options: RequestOptions) => {
      const text = '{"data":[{"id":"c"}],"version":{"min":3,"max":4}}';
      const reply = ReplyBody.fromText(text);
      return Promise.resolve({ body: (options.readBody ?? parseText)(reply), reply });
    },
  };
  await assert.rejects(
    collect(stuck as unknown as LightspeedClient, {
      path: "/sales",
      after: 4,
      pageSize: 1,
      deleted: false,
      scanOnly: true,
    }),
    (error: Error) =>
      error instanceof LightspeedResponseError && /does not advance/.test(error.message),
  );
});
