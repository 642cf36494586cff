type Timer = ReturnType<typeof setTimeout>;

/**
 * Calls `onIdle` once nothing has happened for `idleMs`: a person who signed in at the wall
 * and walked away is signed out, so the wall falls back to its read-only kiosk mode.
 */
export class IdleTimeout {
  readonly #idleMs: number;
  readonly #onIdle: () => void;
  #timer: Timer | undefined;

  constructor(idleMs: number, onIdle: () => void) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts counting, or starts over: call it on every sign of someone at the screen. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onIdle();
    }, this.#idleMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

const DEFAULT_IDLE_MINUTES = 5;

/**
 * Minutes of inactivity before the wall signs a person out: `?idle=<minutes>` (0.1 to 120),
 * else five, long enough to read an alert and write a note.
 */
export function idleMinutes(parameter: string | null): number {
  const minutes = Number(parameter);
  return parameter !== null && Number.isFinite(minutes) && minutes >= 0.1 && minutes <= 120
    ? minutes
    : DEFAULT_IDLE_MINUTES;
}
