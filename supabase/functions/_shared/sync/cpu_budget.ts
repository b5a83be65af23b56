/**
 * CPU spent by the sync's own parsing and validation in one invocation, shared by the runs it
 * makes; a run stops with a checkpoint once this is spent. Edge Functions get 2 s of CPU per
 * request, and the isolate's real CPU is roughly 1.5 times what is counted here.
 */
export class CpuBudget {
  spentMs = 0;
  constructor(readonly limitMs: number) {}
  get exhausted(): boolean {
    return this.spentMs >= this.limitMs;
  }
}
