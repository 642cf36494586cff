/**
 * Runs a job each time something wakes it (a NOTIFY, a poll), never twice at once: a wake-up
 * that arrives during a run makes the job run once more after it, however many arrive, so work
 * committed meanwhile is not left waiting for the next poll.
 */
export interface RerunOnWake {
  /** From now on wake() runs the job. */
  start(): void;
  wake(): void;
  /** No run starts after this; resolves when the run in hand has ended. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/** `onError` hears a failed run; the next wake-up runs the job again. */
export function rerunOnWake(job: () => Promise<unknown>, onError: (error: unknown) => void): RerunOnWake {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  return {
    start() {
      stopped = false;
    },
    wake() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          try {
            await job();
          } catch (error) {
            onError(error);
          }
        } while (again && !stopped);
        running = undefined;
      })();
    },
    async stop() {
      stopped = true;
      await running;
    },
    get stopped() {
      return stopped;
    },
  };
}
