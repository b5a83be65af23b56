// One worker of the local edge runtime: a Deno Web Worker running one function's index.ts,
// supervised like the hosted runtime's per-worker policy (docs/interface.md § Worker wall
// clock): its wall clock starts once its modules are evaluated; at half of it the worker
// retires (no new requests); at 90 % it gets `beforeunload` (reason "wall_clock"); at 100 % it
// is terminated, its requests in flight answered 546 and its background work lost. A retired
// worker with no request in flight and no pending waitUntil is dropped at once (EarlyDrop),
// after a last `beforeunload` (reason "early_drop").
import { workerErrorReply, workerMilestones, workerResourceLimitReply } from "./limits.ts";
import {
  fromWireResponse,
  type RuntimeMessage,
  transferablesOf,
  type WireRequest,
  type WorkerMessage,
} from "./messages.ts";

export interface WorkerEvent {
  function: string;
  worker: number;
  kind: "started" | "boot_failed" | "retired" | "beforeunload" | "stopped";
  /** beforeunload and stopped: "wall_clock", "early_drop", "error" or (stopped) "closed". */
  reason?: string;
  /** Requests in flight at that moment. */
  inFlight: number;
  /** Epoch ms. */
  at: number;
  /** started: ms from creating the worker to its modules evaluated. */
  bootMs?: number;
}

export interface LocalWorkerOptions {
  functionName: string;
  id: number;
  entryUrl: string;
  env: Record<string, string>;
  wallClockMs: number;
  onEvent(event: WorkerEvent): void;
  /** The worker takes no new request from now on (it retired or ended). */
  onRetire(): void;
  onEnd(): void;
}

const bootstrapUrl = new URL("./bootstrap.ts", import.meta.url).href;

// An early_drop beforeunload whose listeners never return still ends the worker.
const EARLY_DROP_GRACE_MS = 1_000;

export class LocalWorker {
  readonly id: number;
  readonly #options: LocalWorkerOptions;
  readonly #worker: Worker;
  readonly #pending = new Map<number, (response: Response) => void>();
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #nextRequest = 1;
  #background = 0;
  #retired = false;
  #ended = false;
  #closing = false;
  #dropping = false;

  private constructor(options: LocalWorkerOptions) {
    this.id = options.id;
    this.#options = options;
    this.#worker = new Worker(bootstrapUrl, {
      type: "module",
      name: `${options.functionName}#${options.id}`,
    });
  }

  /** Boots a worker; null (and a boot_failed event) when the function fails to load. */
  static async start(options: LocalWorkerOptions): Promise<LocalWorker | null> {
    const created = performance.now();
    const worker = new LocalWorker(options);
    if (!await worker.#boot()) {
      worker.#worker.terminate();
      worker.#emit("boot_failed");
      return null;
    }
    worker.#emit("started", { bootMs: Math.round(performance.now() - created) });
    worker.#startWallClock();
    return worker;
  }

  acceptsRequests(): boolean {
    return !this.#retired && !this.#ended;
  }

  /** Forwards a request; a worker that ends first answers like the platform (546, 500). */
  serve(request: WireRequest): Promise<Response> {
    if (this.#ended) return Promise.resolve(workerResourceLimitReply());
    const id = this.#nextRequest++;
    const reply = new Promise<Response>((resolve) => this.#pending.set(id, resolve));
    this.#post({ type: "request", id, request }, transferablesOf(request));
    return reply;
  }

  /** Takes no new request, waits for those in flight and the background work, then ends. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#retire();
    if (!this.#ended && !this.#idle()) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    this.#end("closed");
  }

  #boot(): Promise<boolean> {
    return new Promise((resolve) => {
      this.#worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        if (event.data.type === "boot_error") resolve(false);
        if (event.data.type !== "ready") return;
        this.#worker.onmessage = (next: MessageEvent<WorkerMessage>) => this.#receive(next.data);
        this.#worker.onerror = (error) => {
          error.preventDefault();
          console.error(`${this.#options.functionName} worker ${this.id}: ${error.message}`);
          this.#end("error");
        };
        resolve(true);
      };
      this.#worker.onerror = (error) => {
        error.preventDefault();
        console.error(`${this.#options.functionName} failed to start: ${error.message}`);
        resolve(false);
      };
      this.#post({ type: "boot", entryUrl: this.#options.entryUrl, env: this.#options.env });
    });
  }

  #startWallClock(): void {
    const { retireAt, beforeunloadAt, killAt } = workerMilestones(this.#options.wallClockMs);
    this.#timers.push(
      setTimeout(() => this.#retire(), retireAt),
      setTimeout(() => this.#notify("wall_clock"), beforeunloadAt),
      setTimeout(() => this.#end("wall_clock"), killAt),
    );
  }

  #receive(message: WorkerMessage): void {
    if (message.type === "response") {
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(fromWireResponse(message.response));
    } else if (message.type === "background") {
      this.#background = message.pending;
    } else if (message.type === "beforeunload_dispatched" && message.reason === "early_drop") {
      this.#end("early_drop");
    }
    this.#checkIdle();
  }

  #idle(): boolean {
    return this.#pending.size === 0 && this.#background === 0;
  }

  #checkIdle(): void {
    if (this.#ended || !this.#idle()) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
    if (this.#retired && !this.#closing && !this.#dropping) {
      this.#dropping = true;
      this.#notify("early_drop");
      this.#timers.push(setTimeout(() => this.#end("early_drop"), EARLY_DROP_GRACE_MS));
    }
  }

  #retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#options.onRetire();
    this.#emit("retired");
    this.#checkIdle();
  }

  #notify(reason: string): void {
    if (this.#ended) return;
    this.#emit("beforeunload", { reason });
    this.#post({ type: "beforeunload", reason });
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#worker.terminate();
    const inFlight = this.#pending.size;
    const reply = reason === "error" ? workerErrorReply : workerResourceLimitReply;
    for (const resolve of this.#pending.values()) resolve(reply());
    this.#pending.clear();
    if (!this.#retired) {
      this.#retired = true;
      this.#options.onRetire();
    }
    this.#emit("stopped", { reason, inFlight });
    this.#options.onEnd();
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #post(message: RuntimeMessage, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #emit(kind: WorkerEvent["kind"], extra: Partial<WorkerEvent> = {}): void {
    this.#options.onEvent({
      function: this.#options.functionName,
      worker: this.id,
      kind,
      inFlight: this.#pending.size,
      at: Date.now(),
      ...extra,
    });
  }
}
