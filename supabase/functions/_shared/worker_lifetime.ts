// The worker (isolate) a function runs in, as the hosted Edge Runtime runs it (docs/interface.md
// § Worker wall clock): one worker serves several requests and background tasks, its wall
// clock counts from its own start, and the platform announces its end with a `beforeunload`
// event shortly before stopping it.

// Evaluated once per isolate, while the worker's modules load: the platform starts the
// worker's wall clock only after they have been evaluated, so this is never later than the
// clock's real start and a deadline counted from it errs on the early side.
const moduleEvaluatedAt = Date.now();

export interface WorkerLifetime {
  /** Epoch ms the worker started: its wall clock counts from here. */
  startedAt: number;
  /** Aborted, with a WorkerStoppingError, when the platform announces the worker's end. */
  stopping: AbortSignal;
}

/** The platform is about to stop the worker; work in progress checkpoints and ends. */
export class WorkerStoppingError extends Error {
  /** The platform's reason, e.g. "wall_clock" or "early_drop". */
  readonly reason: string;

  constructor(reason: string) {
    super(
      `The platform stopped the worker (${reason}) before the run finished; the pages it ` +
        "committed are kept and the next run continues from its checkpoint",
    );
    this.name = "WorkerStoppingError";
    this.reason = reason;
  }
}

let isolateLifetime: WorkerLifetime | null = null;

/**
 * This isolate's worker: its start, and a signal aborted on the platform's `beforeunload`
 * (a CustomEvent whose `detail.reason` says why). Created once; the listener stays.
 */
export function isolateWorkerLifetime(): WorkerLifetime {
  if (isolateLifetime) return isolateLifetime;
  const controller = new AbortController();
  globalThis.addEventListener("beforeunload", (event) => {
    const detail = (event as CustomEvent<{ reason?: unknown } | null>).detail;
    const reason = typeof detail?.reason === "string" ? detail.reason : "unknown";
    controller.abort(new WorkerStoppingError(reason));
  });
  isolateLifetime = { startedAt: moduleEvaluatedAt, stopping: controller.signal };
  return isolateLifetime;
}

/**
 * A worker starting now that nothing will stop early: for contexts made outside a function's
 * isolate entry (tests, tools), whose wall clock is their own lifetime.
 */
export function standaloneWorkerLifetime(startedAt = Date.now()): WorkerLifetime {
  return { startedAt, stopping: new AbortController().signal };
}
