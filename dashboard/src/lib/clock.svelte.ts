/**
 * The current time as reactive state, ticking at a fixed interval: staleness badges and the
 * kiosk clock must change while no reading arrives, which is exactly when nothing else re-renders.
 */
export class Clock {
  #now = $state(new Date());
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  get now(): Date {
    return this.#now;
  }

  start(): void {
    if (this.#timer) return;
    this.#now = new Date();
    this.#timer = setInterval(() => {
      this.#now = new Date();
    }, this.#intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
