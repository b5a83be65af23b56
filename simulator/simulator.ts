import { API_PREFIX, handleApiRequest } from "./api_handler.ts";
import { CONTROL_PREFIX, handleControlRequest } from "./control_handler.ts";
import { listen } from "./http_host.ts";
import { type StoreSettingsInput, storeSettingsSchema } from "./options.ts";
import { SimulatorState } from "./simulator_state.ts";
import type { SimulatorStore } from "./store.ts";

export interface SimulatorOptions extends StoreSettingsInput {
  /** 0 picks a free port (the library default); the CLI defaults to 54330. */
  port?: number;
  hostname?: string;
  /** Clock for the rate limiter and `Retry-After`, for tests. */
  now?: () => number;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:54330/api/2.0` */
  apiBaseUrl: string;
  /** e.g. `http://127.0.0.1:54330/__control` */
  controlUrl: string;
  port: number;
  token: string;
  /** In-process access to the same state the control API drives. */
  state: SimulatorState;
  /** The current store; replaced by a reset, so read it through this getter. */
  readonly store: SimulatorStore;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 0, hostname = "127.0.0.1", now, ...settings } = options;
  const parsed = storeSettingsSchema.safeParse(settings);
  if (!parsed.success) throw new Error(`Invalid simulator options: ${parsed.error.message}`);
  const state = new SimulatorState(parsed.data, now);
  const resetsPending = () => state.faults.list().some((fault) => fault.type === "reset");
  const host = await listen({
    hostname,
    port,
    avoidKeepAlive: resetsPending,
    handler: async (request, remoteAddress) => {
      const url = new URL(request.url);
      if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
        const response = await handleControlRequest(state, request, url, remoteAddress);
        if (resetsPending()) host.closeIdleConnections();
        return response;
      }
      return await handleApiRequest(state, request, url);
    },
  });
  const origin = `http://${hostname}:${host.port}`;
  return {
    apiBaseUrl: `${origin}${API_PREFIX}`,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    port: host.port,
    get token() {
      return state.settings.token;
    },
    state,
    get store() {
      return state.store;
    },
    stop: () => {
      state.webhookSender.stop();
      return host.close();
    },
  };
}
