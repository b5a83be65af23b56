/**
 * A faithful simulated Lightspeed Retail X-Series store for tests, demos and benchmarks.
 * See README.md for options, endpoints and the control API.
 */
export { type RunningSimulator, type SimulatorOptions, startSimulator } from "./simulator.ts";
export type { MutationSummary } from "./mutations.ts";
export { applyMutations } from "./mutations.ts";
export type {
  Fault,
  FaultInput,
  MutationRequest,
  QueuedFault,
  RecordFault,
  StoreSettings,
} from "./options.ts";
export { DEFAULT_SETTINGS } from "./options.ts";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_SALES_PAGE_SIZE } from "./paging_params.ts";
export { ENTITIES_WITH_DELETED_PARAM, ENTITY_NAMES, type EntityName } from "./records.ts";
export type { ScaleOption } from "./scale.ts";
export type { SimulatorStats } from "./stats.ts";
export type { StoreSummary } from "./store.ts";
export { SimulatorStore } from "./store.ts";
export { HOSTILE, HOSTILE_VALUES } from "./hostile_strings.ts";
export { applyFaults, describe as describeSimulator } from "./control_handler.ts";
export type { InjectedRecord } from "./record_injection.ts";
