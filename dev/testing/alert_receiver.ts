// A local webhook receiver for alert tests: a real HTTP server that records every alert it
// gets, at /slack (a Slack-compatible incoming webhook) and /webhook (the generic JSON one),
// and answers as the test tells it (200 by default; a status per path to play a failing
// destination).
import { type ReceivedRequest, startStubServer, waitFor } from "../net_worker_test_support.ts";

export interface ReceivedAlert {
  path: string;
  contentType: string | null;
  body: Record<string, unknown>;
}

export interface AlertReceiver {
  url: string;
  slackUrl: string;
  webhookUrl: string;
  /** Every request answered 2xx, in arrival order. */
  accepted(path?: string): ReceivedAlert[];
  /** Every request that arrived, answered or refused. */
  received: ReceivedRequest[];
  /** Holds every answer to `path` until the returned function is called. */
  hold(path: string): () => void;
  /** The statuses the next requests to a path get, in order; then 200 again. */
  refuseNext(path: string, statuses: number[]): void;
  /** Resolves once `count` alerts to `path` were accepted. */
  waitForAccepted(path: string, count: number, timeoutMs?: number): Promise<ReceivedAlert[]>;
  stop(): Promise<void>;
}

export function startAlertReceiver(): AlertReceiver {
  const refusals = new Map<string, number[]>();
  const accepted: ReceivedAlert[] = [];
  const holds = new Map<string, Promise<void>>();
  const server = startStubServer(async (request) => {
    await holds.get(request.path);
    const status = refusals.get(request.path)?.shift() ?? 200;
    if (status >= 200 && status < 300) {
      accepted.push({
        path: request.path,
        contentType: request.headers.get("content-type"),
        body: JSON.parse(request.body),
      });
    }
    return Response.json({ ok: status < 300 }, { status });
  });
  const acceptedAt = (path?: string) => accepted.filter((a) => !path || a.path === path);
  return {
    url: server.url,
    slackUrl: `${server.url}/slack`,
    webhookUrl: `${server.url}/webhook`,
    accepted: acceptedAt,
    received: server.received,
    hold: (path) => {
      let release = () => {};
      holds.set(path, new Promise((resolve) => release = resolve));
      return () => {
        holds.delete(path);
        release();
      };
    },
    refuseNext: (path, statuses) => refusals.set(path, [...statuses]),
    waitForAccepted: (path, count, timeoutMs = 10_000) =>
      waitFor(`${count} alerts at ${path}`, () => {
        const got = acceptedAt(path);
        return Promise.resolve(got.length >= count ? got : undefined);
      }, timeoutMs),
    stop: server.stop,
  };
}
