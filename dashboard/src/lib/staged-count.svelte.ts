/**
 * How many items of a list to build now: the first `first` at once, then one more in each later
 * task until the list is complete. A view whose whole list arrives in one response otherwise
 * builds it in one long task, which a phone feels as a page that does not answer (Lighthouse's
 * blocking time); in steps the browser paints and takes input in between. Meant for lists whose
 * first items fill the screen: the rest is below them, or hidden, while it is built.
 *
 * A component reads `count` where it builds the list and calls `follow(list.length)` in an
 * effect, which asks for the next step while items are left.
 */
export class StagedCount {
  #count = $state(0);
  readonly #schedule: (step: () => void) => () => void;
  #cancel: (() => void) | undefined;

  constructor(
    first: number,
    schedule: (step: () => void) => () => void = (step) => {
      const timer = setTimeout(step, 0);
      return () => clearTimeout(timer);
    },
  ) {
    this.#count = first;
    this.#schedule = schedule;
  }

  get count(): number {
    return this.#count;
  }

  /** The list now has `length` items: asks for one more step if some are not built yet. */
  follow(length: number): void {
    if (this.#count >= length || this.#cancel) return;
    this.#cancel = this.#schedule(() => {
      this.#cancel = undefined;
      this.#count += 1;
    });
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
