// The local pg_net worker's latch: how it sleeps until woken, pauses between batches, and lets
// idle() and stop() know where it is.

export interface WakeSignal {
  /** A wake (NOTIFY or poll); remembered when the worker is busy, as pg_net's should_wake is. */
  fire(): void;
  /** Sleeps until the next wake; returns at once when one is pending (or after interrupt()). */
  next(): Promise<void>;
  /**
   * The pause between batches. Unlike pg_net's latch, a wake does not shorten it: the local
   * worker always waits the full pause, the slower (so stricter) of pg_net's two behaviours.
   */
  pause(ms: number): Promise<void>;
  /** Ends the current sleep or pause, and every later one at once (stop). */
  interrupt(): void;
  /** Resolves when the worker sleeps in next() with no wake pending, or once `finished` does. */
  asleep(finished: Promise<void>): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  // pg_net's worker starts awake, so requests queued before it started are taken at once.
  let pending = true;
  let interrupted = false;
  let sleeper: (() => void) | null = null;
  let endPause: (() => void) | null = null;
  const asleepWaiters: (() => void)[] = [];

  function fire(): void {
    if (!sleeper) {
      pending = true;
      return;
    }
    const wakeUp = sleeper;
    sleeper = null;
    wakeUp();
  }

  return {
    fire,
    next() {
      if (pending || interrupted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        sleeper = resolve;
        for (const waiter of asleepWaiters.splice(0)) waiter();
      });
    },
    pause(ms) {
      if (interrupted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => endPause?.(), ms);
        endPause = () => {
          clearTimeout(timer);
          endPause = null;
          resolve();
        };
      });
    },
    interrupt() {
      interrupted = true;
      endPause?.();
      fire();
    },
    asleep(finished) {
      if (sleeper) return Promise.resolve();
      return new Promise<void>((resolve) => {
        asleepWaiters.push(resolve);
        finished.then(resolve, resolve);
      });
    },
  };
}
