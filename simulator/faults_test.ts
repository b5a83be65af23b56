import assert from "node:assert/strict";
import { HOSTILE } from "./hostile_strings.ts";
import { UUID_SHAPE } from "./ids.ts";
import { apiGet, control, readFeed, withSimulator } from "./test_support.ts";

Deno.test("injected 5xx statuses hit the next requests, then service resumes", async () => {
  await withSimulator({}, async (sim) => {
    await control(sim, "POST", "/faults", {
      faults: [{ type: "status", status: 503, count: 2 }, { type: "status", status: 500 }],
    });
    assert.equal((await apiGet(sim, "/outlets")).status, 503);
    assert.equal((await apiGet(sim, "/outlets")).status, 503);
    const failed = await apiGet(sim, "/outlets");
    assert.equal(failed.status, 500);
    assert.equal(failed.body.error, "Internal Server Error");
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
    for (const status of [502, 504]) {
      await control(sim, "POST", "/faults", { faults: [{ type: "status", status }] });
      assert.equal((await apiGet(sim, "/outlets")).status, status);
    }
    const stats = await control(sim, "GET", "/stats");
    assert.equal(stats.injectedFaults, 5);
    assert.equal(stats.served, 1);
  });
});

Deno.test("an injected 4xx or 5xx can carry its own message, hostile text included", async () => {
  await withSimulator({}, async (sim) => {
    const message = `${HOSTILE.imgOnError} ${HOSTILE.javascriptUrl}`;
    await control(sim, "POST", "/faults", {
      faults: [{ type: "status", status: 400, message }, { type: "status", status: 404 }],
    });
    const rejected = await apiGet(sim, "/outlets");
    assert.equal(rejected.status, 400);
    assert.deepEqual(rejected.body, { error: "Bad Request", message });
    const missing = await apiGet(sim, "/outlets");
    assert.deepEqual([missing.status, missing.body.message], [404, "Injected request failure"]);
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
  });
});

Deno.test("injected 429s carry the chosen Retry-After style and are not violations", async () => {
  await withSimulator({}, async (sim) => {
    const before = Date.now();
    await control(sim, "POST", "/faults", {
      faults: [
        { type: "status", status: 429, retryAfterSeconds: 2 },
        { type: "status", status: 429, retryAfter: "seconds", retryAfterSeconds: 7 },
        { type: "status", status: 429, retryAfter: "none" },
        { type: "status", status: 429, retryAfter: "garbage" },
      ],
    });
    const dated = await apiGet(sim, "/sales");
    assert.equal(dated.status, 429);
    assert.equal(dated.body.message, "Rate limiting enforced");
    const at = Date.parse(dated.headers.get("retry-after")!);
    assert.ok(at >= before + 2000 && at <= Date.now() + 3000, "HTTP date about 2 s ahead");
    assert.equal((await apiGet(sim, "/sales")).headers.get("retry-after"), "7");
    assert.equal((await apiGet(sim, "/sales")).headers.get("retry-after"), null);
    const garbage = (await apiGet(sim, "/sales")).headers.get("retry-after")!;
    assert.ok(Number.isNaN(Date.parse(garbage)) && Number.isNaN(Number(garbage)));
    const stats = await control(sim, "GET", "/stats");
    assert.equal(stats.rateLimited, 4);
    assert.equal(stats.violations, 0);
  });
});

Deno.test("a reset drops the connection without a response", async () => {
  await withSimulator({}, async (sim) => {
    assert.equal((await apiGet(sim, "/outlets")).status, 200, "warm a keep-alive connection");
    await control(sim, "POST", "/faults", { faults: [{ type: "reset", count: 2 }] });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        fetch(`${sim.apiBaseUrl}/outlets`, { headers: { authorization: `Bearer ${sim.token}` } }),
        TypeError,
      );
    }
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
    const stats = await control(sim, "GET", "/stats");
    assert.equal(stats.byPath["/outlets"].statuses.reset, 2);
  });
});

Deno.test("a slow fault delays the reply by at least its ms", async () => {
  await withSimulator({}, async (sim) => {
    await control(sim, "POST", "/faults", { faults: [{ type: "slow", ms: 300 }] });
    const started = performance.now();
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
    assert.ok(performance.now() - started >= 295);
  });
});

Deno.test("a truncated reply is a 200 whose JSON does not parse", async () => {
  await withSimulator({}, async (sim) => {
    await control(sim, "POST", "/faults", { faults: [{ type: "truncate" }] });
    const response = await fetch(`${sim.apiBaseUrl}/customers`, {
      headers: { authorization: `Bearer ${sim.token}` },
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(text.startsWith('{"data":['));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});

Deno.test("path filters aim a fault at one endpoint; DELETE clears the queue", async () => {
  await withSimulator({}, async (sim) => {
    await control(sim, "POST", "/faults", {
      faults: [{ type: "status", status: 502, path: "/api/2.0/sales" }],
    });
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
    assert.equal((await apiGet(sim, "/sales?page_size=1")).status, 502);
    await control(sim, "POST", "/faults", { faults: [{ type: "status", status: 500, count: 5 }] });
    assert.equal((await control(sim, "GET", "/faults")).queued.length, 1);
    await control(sim, "DELETE", "/faults");
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
  });
});

Deno.test("malformed records sit in the feed at real versions after the old maximum", async () => {
  await withSimulator({}, async (sim) => {
    const previousMax = sim.store.maxVersion;
    const reply = await control(sim, "POST", "/faults", {
      faults: [{ type: "malformed", entity: "sales", count: 6 }],
    });
    assert.deepEqual(reply.injected.map((r: { kind: string }) => r.kind), [
      "missing_id",
      "version_not_a_number",
      "id_not_a_uuid",
      "unexpected_fields",
      "wrong_number_type",
      "line_item_without_id",
    ]);
    const page = await apiGet(sim, `/sales?after=${previousMax}`);
    const [missingId, badVersion, badId, extra, badNumber, lineWithoutId] = page.body.data;
    assert.equal(page.body.data.length, 6);
    assert.equal(page.body.version.min, reply.injected[0].version);
    assert.equal(page.body.version.max, reply.injected[5].version);
    assert.ok(page.body.version.min > previousMax);
    assert.equal("id" in missingId, false);
    assert.equal(badVersion.version, "abc");
    assert.equal(badId.id, "not-a-uuid");
    assert.deepEqual(extra.unexpected_field, { nested: [1, "two", null] });
    assert.equal(badNumber.line_items[0].quantity, "lots");
    assert.equal("id" in lineWithoutId.line_items[0], false);
    // Still there on the next read: the source does not heal itself.
    const again = await apiGet(sim, `/sales?after=${previousMax}`);
    assert.equal(again.body.data.length, 6);

    await control(sim, "POST", "/faults", {
      faults: [{ type: "malformed", entity: "inventory", count: 5 }],
    });
    const rows = (await readFeed(sim, "inventory")).records;
    assert.ok(rows.some((r) => r.inventory_level === "lots"));
  });
});

Deno.test("hostile records are well formed but full of markup, RTL, emoji and long text", async () => {
  await withSimulator({}, async (sim) => {
    const previousMax = sim.store.maxVersion;
    const reply = await control(sim, "POST", "/faults", {
      faults: [
        { type: "hostile", entity: "customers", count: 1 },
        { type: "hostile", entity: "products", count: 1 },
        { type: "hostile", entity: "sales", count: 1 },
      ],
    });
    assert.equal(reply.injected.length, 3);
    const customer = (await apiGet(sim, `/customers?after=${previousMax}`)).body.data[0];
    assert.equal(customer.first_name, HOSTILE.imgOnError);
    assert.equal(customer.last_name, HOSTILE.rightToLeft);
    assert.ok(customer.note.length >= 10_000);
    assert.match(customer.id, UUID_SHAPE);
    const product = (await apiGet(sim, `/products?after=${previousMax}`)).body.data[0];
    assert.equal(product.image_url, "javascript:alert(1)");
    assert.ok(product.description.includes("<script>alert(1)</script>"));
    const sale = (await apiGet(sim, `/sales?after=${previousMax}`)).body.data[0];
    assert.ok(sale.note.length >= 10_000);
    assert.ok(sale.line_items.length > 0, "the hostile sale has line items");
    assert.ok(sale.line_items.every((line: { id: string }) => UUID_SHAPE.test(line.id)));
    const originalLineIds = new Set(sim.store.sales.flatMap((s) => s.lines.map((l) => l.id)));
    assert.ok(sale.line_items.every((line: { id: string }) => !originalLineIds.has(line.id)));
  });
});

Deno.test("bad fault payloads are rejected with a 400", async () => {
  await withSimulator({}, async (sim) => {
    const response = await fetch(`${sim.controlUrl}/faults`, {
      method: "POST",
      body: JSON.stringify({ faults: [{ type: "status", status: 418 }] }),
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error, "Bad Request");
  });
});

Deno.test("a redirect fault answers a 3xx pointing at its location, then service resumes", async () => {
  await withSimulator({}, async (sim) => {
    await control(sim, "POST", "/faults", {
      faults: [
        { type: "redirect", location: "https://elsewhere.example/api/2.0/sales", path: "/sales" },
        { type: "redirect", location: "/api/2.0/outlets", status: 308 },
      ],
    });
    const headers = { authorization: `Bearer ${sim.token}` };
    const moved = await fetch(`${sim.apiBaseUrl}/sales`, { headers, redirect: "manual" });
    await moved.body?.cancel();
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.get("location"), "https://elsewhere.example/api/2.0/sales");
    const permanent = await fetch(`${sim.apiBaseUrl}/registers`, { headers, redirect: "manual" });
    await permanent.body?.cancel();
    assert.deepEqual([permanent.status, permanent.headers.get("location")], [
      308,
      "/api/2.0/outlets",
    ]);
    assert.equal((await apiGet(sim, "/sales")).status, 200);
  });
});

Deno.test("an oversized fault streams a valid page of exactly its size, announced or not", async () => {
  await withSimulator({}, async (sim) => {
    const bytes = 3 * 1024 * 1024 + 5;
    await control(sim, "POST", "/faults", {
      faults: [
        { type: "oversized", bytes, path: "/sales" },
        { type: "oversized", bytes, announce: true, path: "/sales" },
      ],
    });
    const headers = { authorization: `Bearer ${sim.token}` };
    const plain = await fetch(`${sim.apiBaseUrl}/sales`, { headers });
    assert.equal(plain.headers.get("content-length"), null);
    const text = await plain.text();
    assert.equal(new TextEncoder().encode(text).length, bytes);
    assert.deepEqual(JSON.parse(text).data, []);
    const announced = await fetch(`${sim.apiBaseUrl}/sales`, { headers });
    assert.equal(announced.headers.get("content-length"), String(bytes));
    // A reader that stops early: the simulator stops making the rest and keeps serving.
    const reader = announced.body!.getReader();
    await reader.read();
    await reader.cancel();
    assert.equal((await apiGet(sim, "/sales")).status, 200);
  });
});

Deno.test("the simulator lists every record it corrupted and how, until a reset", async () => {
  await withSimulator({}, async (sim) => {
    const reply = await control(sim, "POST", "/faults", {
      faults: [
        { type: "malformed", entity: "customers", count: 7 },
        { type: "hostile", entity: "products", count: 1 },
      ],
    });
    const listed = await control(sim, "GET", "/injected");
    assert.deepEqual(listed.injected, reply.injected);
    assert.deepEqual(listed.injected.map((r: { kind: string }) => r.kind), [
      "missing_id",
      "version_not_a_number",
      "id_not_a_uuid",
      "unexpected_fields",
      "wrong_number_type",
      "missing_id",
      "nul_character",
      "hostile",
    ]);
    const withNul = sim.store.dump("customers").find((r) =>
      (r as { id?: string }).id === listed.injected[6].id
    ) as { note: string };
    assert.equal(withNul.note, "before \u0000 after");
    await control(sim, "POST", "/reset", {});
    assert.deepEqual((await control(sim, "GET", "/injected")).injected, []);
  });
});

Deno.test("a timed 503 outage lasts its simulated seconds divided by the time scale", async () => {
  // 30 simulated minutes at x3600: half a real second.
  await withSimulator({ timeScale: 3600 }, async (sim) => {
    await control(sim, "POST", "/faults", {
      faults: [{ type: "status", status: 503, forSeconds: 1800 }],
    });
    for (let i = 0; i < 3; i++) assert.equal((await apiGet(sim, "/outlets")).status, 503);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((await apiGet(sim, "/outlets")).status, 200);
  });
});
