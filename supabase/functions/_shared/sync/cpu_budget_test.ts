import assert from "node:assert/strict";
import { CpuBudget } from "./cpu_budget.ts";

Deno.test("a CpuBudget is exhausted once the time spent reaches its limit, not before", () => {
  const budget = new CpuBudget(100);
  assert.equal(budget.exhausted, false);
  budget.spentMs += 99.5;
  assert.equal(budget.exhausted, false);
  budget.spentMs += 0.5;
  assert.equal(budget.exhausted, true);
});
