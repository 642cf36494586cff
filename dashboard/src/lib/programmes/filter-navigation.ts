import { type ExplorerFilters, filtersQuery } from './explorer-filters.ts';

/**
 * Changes the explorer's filters through the URL, each change on top of the filters asked for
 * last. Reading them back from the URL or from the form goes wrong while a navigation is still
 * under way: right after "clear filters" the URL and the other selects still hold the old
 * filters, and a select changed then would bring them back. Navigations may also end out of
 * order; only the newest one's end hands the filters back to the URL.
 */
export class FilterNavigation {
  readonly #navigate: (query: string) => Promise<void>;
  #requested: ExplorerFilters | undefined;
  #generation = 0;

  /** `navigate` goes to the explorer with this query string (`''` for none). */
  constructor(navigate: (query: string) => Promise<void>) {
    this.#navigate = navigate;
  }

  /** The filters a change builds on: the last ones asked for while going there, else the URL's. */
  current(fromUrl: ExplorerFilters): ExplorerFilters {
    return this.#requested ?? fromUrl;
  }

  /** One filter (or a few) changed, the others kept. */
  change(fromUrl: ExplorerFilters, changed: Partial<ExplorerFilters>): Promise<void> {
    return this.go({ ...this.current(fromUrl), ...changed });
  }

  async go(filters: ExplorerFilters): Promise<void> {
    const generation = ++this.#generation;
    this.#requested = filters;
    try {
      await this.#navigate(filtersQuery(filters));
    } finally {
      // A navigation that ends after a newer one was asked for says nothing about the URL now.
      if (generation === this.#generation) this.#requested = undefined;
    }
  }
}
