import { API_PREFIX, handleApiRequest } from "./api_handler.ts";
import { CONTROL_PREFIX, handleControlRequest } from "./control_handler.ts";
import { listen } from "./http_host.ts";
import {
  AUTHORIZE_PATH,
  type OAuthAppOptions,
  SimulatedOAuthApp,
  TOKEN_PATH,
} from "./oauth_app.ts";
import { type StoreSettingsInput, storeSettingsSchema } from "./options.ts";
import { SimulatorState } from "./simulator_state.ts";
import type { SimulatorStore } from "./store.ts";

export interface SimulatorOptions extends StoreSettingsInput {
  /** 0 picks a free port (the library default); the CLI defaults to 54330. */
  port?: number;
  hostname?: string;
  /** Clock for the rate limiter and `Retry-After`, for tests. */
  now?: () => number;
  /** Also act as an OAuth app's authorization server (authorize and token endpoints). */
  oauth?: OAuthAppOptions;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:54330/api/2.0` */
  apiBaseUrl: string;
  /** e.g. `http://127.0.0.1:54330/__control` */
  controlUrl: string;
  port: number;
  token: string;
  /** e.g. `http://127.0.0.1:54330/connect`: the authorize page, when `oauth` was given. */
  authorizeUrl: string;
  /** The OAuth app, when `oauth` was given. */
  oauth: SimulatedOAuthApp | null;
  /** In-process access to the same state the control API drives. */
  state: SimulatorState;
  /** The current store; replaced by a reset, so read it through this getter. */
  readonly store: SimulatorStore;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 0, hostname = "127.0.0.1", now, oauth: oauthOptions, ...settings } = options;
  const parsed = storeSettingsSchema.safeParse(settings);
  if (!parsed.success) throw new Error(`Invalid simulator options: ${parsed.error.message}`);
  const state = new SimulatorState(parsed.data, now);
  const oauth = oauthOptions ? new SimulatedOAuthApp(oauthOptions, state.now) : null;
  state.acceptsToken = (token) => oauth?.accepts(token) ?? false;
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
      if (oauth && url.pathname === AUTHORIZE_PATH && request.method === "GET") {
        return oauth.authorize(url);
      }
      if (oauth && url.pathname === TOKEN_PATH && request.method === "POST") {
        return await oauth.token(request);
      }
      return await handleApiRequest(state, request, url);
    },
  });
  const origin = `http://${hostname}:${host.port}`;
  return {
    apiBaseUrl: `${origin}${API_PREFIX}`,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    port: host.port,
    authorizeUrl: `${origin}${AUTHORIZE_PATH}`,
    oauth,
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
