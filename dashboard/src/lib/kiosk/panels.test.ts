import { describe, expect, it } from 'vitest';
import type { SiteThing } from '#lib/graphql/sites.ts';
import { dimensionsFromSites, nextPanel, rotationSeconds } from './panels.ts';

function thing(
  id: string,
  programmeId: string,
  dimension: [string, number],
  kind: 'QUICK_WIN' | 'PROGRAMME' = 'QUICK_WIN',
): SiteThing {
  return {
    id,
    databaseId: id,
    name: id,
    isSample: true,
    location: { id: `loc-${id}`, databaseId: `loc-${id}`, name: 'x', latitude: -2.5, longitude: 120.3 },
    programme: {
      id: programmeId,
      kind,
      isSample: true,
      name: { id: programmeId, en: programmeId },
      owner: { acronym: 'DLH' },
      evaluation: { progress: 0.5, expectedProgress: 0.5, status: 'ON_TRACK' },
      dimension: { id: dimension[0], sortOrder: dimension[1], name: { id: dimension[0], en: dimension[0] } },
    },
    datastreams: [],
  };
}

describe('wall panels', () => {
  it('groups devices by quick win and quick wins by dimension, in the masterplan order', () => {
    const dimensions = dimensionsFromSites([
      thing('river-a', 'flood', ['society', 5]),
      thing('air', 'market-air', ['environment', 6]),
      thing('river-b', 'flood', ['society', 5]),
      thing('portal', 'one-data', ['governance', 1], 'PROGRAMME'),
    ]);
    expect(dimensions.map((d) => [d.id, d.programmes.map((p) => [p.id, p.things.map((t) => t.id)])])).toEqual(
      [
        ['society', [['flood', ['river-a', 'river-b']]]],
        ['environment', [['market-air', ['air']]]],
      ],
    );
  });

  it('rotates through the panels and wraps', () => {
    expect([0, 1, 2].map((i) => nextPanel(i, 3))).toEqual([1, 2, 0]);
    expect(nextPanel(4, 0)).toBe(0);
  });

  it('takes the rotation interval from the URL within bounds', () => {
    expect(rotationSeconds(null)).toBe(20);
    expect(rotationSeconds('45')).toBe(45);
    expect(rotationSeconds('1')).toBe(20);
    expect(rotationSeconds('abc')).toBe(20);
  });
});
