import assert from "node:assert/strict";
import { repairRequest, repairResultText } from "./repair_form.ts";

Deno.test("the repair form sends only the fields its repair takes", () => {
  const values = { entity: "sales", id: " 0a6f ", from: "2026-11-02", to: "2026-11-08" };
  assert.deepEqual(repairRequest({ ...values, action: "record" }), {
    action: "record",
    entity: "sales",
    id: "0a6f",
  });
  assert.deepEqual(repairRequest({ ...values, action: "sales_range" }), {
    action: "sales_range",
    from: "2026-11-02",
    to: "2026-11-08",
  });
  assert.deepEqual(repairRequest({ ...values, action: "rejects" }), {
    action: "rejects",
    entity: "sales",
  });
});

Deno.test("a repair step reads as one line: status, counts, and why it failed", () => {
  assert.equal(
    repairResultText(200, {
      repair_id: 4,
      status: "partial",
      progress: { records: 1200, offset: 1200, dateFrom: "2026-11-01T11:00:00Z", done: false },
    }),
    "Repair 4: partial (records 1,200, offset 1,200, done false)",
  );
  assert.equal(
    repairResultText(200, { repair_id: 5, status: "failed", progress: {}, error: "HTTP 500" }),
    "Repair 5: failed: HTTP 500",
  );
  assert.equal(
    repairResultText(403, { error: "x" }),
    "Not allowed: repairs need the operator role",
  );
  assert.equal(repairResultText(409, { error: "busy" }), "Failed (HTTP 409): busy");
});
