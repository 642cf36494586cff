import type { WallboardDimension, WallboardProgramme } from '#lib/graphql/queries.ts';
import type { SiteThing } from '#lib/graphql/sites.ts';

/**
 * The wall's dimension panels from the devices the map already loaded: one query and one
 * subscription feed both. Only quick wins with deployed devices appear: the wall shows live
 * indicators, and a quick win without devices has none.
 */
export function dimensionsFromSites(things: readonly SiteThing[]): WallboardDimension[] {
  const dimensions = new Map<string, WallboardDimension>();
  const programmes = new Map<string, WallboardProgramme>();
  for (const thing of things) {
    const { programme } = thing;
    if (programme.kind !== 'QUICK_WIN') continue;
    let dimension = dimensions.get(programme.dimension.id);
    if (!dimension) {
      dimension = { ...programme.dimension, programmes: [] };
      dimensions.set(dimension.id, dimension);
    }
    let quickWin = programmes.get(programme.id);
    if (!quickWin) {
      quickWin = {
        id: programme.id,
        isSample: programme.isSample,
        evaluation: programme.evaluation,
        name: programme.name,
        owner: programme.owner,
        things: [],
      };
      programmes.set(programme.id, quickWin);
      dimension.programmes.push(quickWin);
    }
    quickWin.things.push(thing);
  }
  return [...dimensions.values()].sort((a, b) => a.sortOrder - b.sortOrder);
}

/** Panel index after `index`, wrapping; 0 when there are no panels. */
export function nextPanel(index: number, count: number): number {
  return count > 0 ? (index + 1) % count : 0;
}

/** Seconds per panel from the URL (?rotate=30), within 5 s to 10 min; 20 s otherwise. */
export function rotationSeconds(value: string | null): number {
  const seconds = Number(value);
  return value !== null && Number.isFinite(seconds) && seconds >= 5 && seconds <= 600 ? seconds : 20;
}
