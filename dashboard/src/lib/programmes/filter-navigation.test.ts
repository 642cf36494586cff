import { describe, expect, it } from 'vitest';
import { type ExplorerFilters, NO_FILTERS } from './explorer-filters.ts';
import { FilterNavigation } from './filter-navigation.ts';

/** Navigations that end only when the test says so, in any order. */
function navigations() {
  const started: { query: string; end: () => void }[] = [];
  const navigate = (query: string) =>
    new Promise<void>((resolve) => {
      started.push({ query, end: resolve });
    });
  return { started, navigate };
}

const SOCIETY_TELKOM: ExplorerFilters = { ...NO_FILTERS, dimension: 'society', partner: 'telkom' };

describe('FilterNavigation', () => {
  it('builds a change right after "clear filters" on the cleared filters, not on the URL still showing the old ones', async () => {
    const { started, navigate } = navigations();
    const filters = new FilterNavigation(navigate);
    const cleared = filters.go(NO_FILTERS);
    // The URL still says society and telkom: the clearing navigation has not ended.
    const changed = filters.change(SOCIETY_TELKOM, { partnerKind: 'UNIVERSITY' });
    expect(started.map((navigation) => navigation.query)).toEqual(['', '?kind=UNIVERSITY']);

    // The clearing navigation ends after the change was asked for: it must not hand the
    // filters back to a URL that has not caught up yet.
    started[0]?.end();
    await cleared;
    const again = filters.change(NO_FILTERS, { dimension: 'economy' });
    expect(started[2]?.query).toBe('?dimension=economy&kind=UNIVERSITY');

    started[1]?.end();
    started[2]?.end();
    await Promise.all([changed, again]);
    // Every navigation ended: the URL is the one source again (e.g. after the back button).
    expect(filters.current(SOCIETY_TELKOM)).toBe(SOCIETY_TELKOM);
  });

  it('hands the filters back to the URL when the navigation fails', async () => {
    const filters = new FilterNavigation(() => Promise.reject(new Error('navigation aborted')));
    await expect(filters.change(NO_FILTERS, { owner: 'bpbd' })).rejects.toThrow('navigation aborted');
    expect(filters.current(SOCIETY_TELKOM)).toBe(SOCIETY_TELKOM);
  });
});
