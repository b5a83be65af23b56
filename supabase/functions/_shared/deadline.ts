// The one failure that means "out of time, not broken": any wait (a retry's backoff, a slot of
// the shared request budget) that would end after the caller's deadline. A run that meets it
// checkpoints and answers `partial`, never `failed`.

/** Waiting (for a retry or for the shared budget) would pass the caller's deadline. */
export class DeadlineExceededError extends Error {
  /** Epoch ms the caller must finish by. */
  readonly deadline: number;
  /** How long the wait would have been. */
  readonly waitMs: number;

  constructor(what: string, waitMs: number, deadline: number, options: { cause?: unknown } = {}) {
    super(
      `Waiting ${Math.ceil(waitMs)} ms for ${what} would pass the deadline ` +
        `"${new Date(deadline).toISOString()}"`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "DeadlineExceededError";
    this.deadline = deadline;
    this.waitMs = waitMs;
  }
}
