import { describe, expect, it } from 'vitest';
import type { LiveAlert } from '#lib/graphql/alerts.ts';
import { manualFrames } from '#lib/testing/manual-frames.ts';
import { OpenAlerts } from './live-alerts.svelte.ts';
import { applyAlertChanges, compareAlerts, highestLevel } from './open-alerts.ts';

function alert(id: string, level: string, openedAt: string, extra: Partial<LiveAlert> = {}): LiveAlert {
  return {
    id,
    state: 'OPEN',
    level,
    value: 3.1,
    openedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    rule: { id: 'rule', name: 'Tinggi muka air sungai (contoh)', kind: 'THRESHOLD' },
    datastream: {
      id: `ds-${id}`,
      unit: 'm',
      observedProperty: { name: { id: 'Tinggi muka air', en: 'Water level' } },
      thing: { id: 'thing', name: 'Pos duga air', location: { id: 'loc', name: 'Jembatan' } },
    },
    ...extra,
  };
}

describe('alert order', () => {
  it('puts the highest level first, then the most recently opened', () => {
    const alerts = [
      alert('old-siaga', 'SIAGA', '2026-12-01T01:00:00Z'),
      alert('waspada', 'WASPADA', '2026-12-01T03:00:00Z'),
      alert('custom', 'BANJIR', '2026-12-01T04:00:00Z'),
      alert('awas', 'AWAS', '2026-12-01T00:00:00Z'),
      alert('new-siaga', 'SIAGA', '2026-12-01T02:00:00+08:00'),
      alert('newer-siaga', 'SIAGA', '2026-12-01T02:00:00Z'),
    ];
    expect(alerts.toSorted(compareAlerts).map((a) => a.id)).toEqual([
      'awas',
      'newer-siaga',
      'old-siaga',
      'new-siaga',
      'waspada',
      'custom',
    ]);
  });
});

describe('applyAlertChanges', () => {
  it('keeps open and acknowledged alerts and drops resolved and closed ones', () => {
    const start = applyAlertChanges(new Map(), [
      alert('a', 'SIAGA', '2026-12-01T01:00:00Z'),
      alert('b', 'WASPADA', '2026-12-01T01:00:00Z'),
    ]);
    const next = applyAlertChanges(start, [
      alert('a', 'SIAGA', '2026-12-01T01:00:00Z', { state: 'ACKNOWLEDGED', acknowledgedBy: 'operator' }),
      alert('b', 'WASPADA', '2026-12-01T01:00:00Z', { state: 'RESOLVED' }),
    ]);
    expect([...next.keys()]).toEqual(['a']);
    expect(next.get('a')?.acknowledgedBy).toBe('operator');
    expect(start.size).toBe(2);
  });
});

describe('highestLevel', () => {
  it('is the highest open level on the given datastreams only', () => {
    const alerts = [
      alert('1', 'WASPADA', '2026-12-01T01:00:00Z'),
      alert('2', 'AWAS', '2026-12-01T01:00:00Z'),
      alert('3', 'SIAGA', '2026-12-01T01:00:00Z'),
    ];
    expect(highestLevel(alerts, new Set(['ds-1', 'ds-3']))).toBe('SIAGA');
    expect(highestLevel(alerts, new Set(['ds-9']))).toBeUndefined();
  });
});

describe('OpenAlerts', () => {
  it('coalesces a burst of changes into one frame, the later copy of an alert winning', () => {
    const frames = manualFrames();
    const open = new OpenAlerts(frames.schedule);
    open.push(alert('a', 'WASPADA', '2026-12-01T01:00:00Z'));
    open.push(alert('b', 'SIAGA', '2026-12-01T01:00:00Z'));
    open.push(alert('a', 'AWAS', '2026-12-01T01:00:00Z'));
    expect(frames.pending).toBe(1);
    expect(open.list).toEqual([]);

    frames.frame();
    expect(open.list.map((a) => [a.id, a.level])).toEqual([
      ['a', 'AWAS'],
      ['b', 'SIAGA'],
    ]);
  });

  it('replaces what it shows when the stream starts over, so alerts closed meanwhile go', () => {
    const frames = manualFrames();
    const open = new OpenAlerts(frames.schedule);
    open.push(alert('a', 'WASPADA', '2026-12-01T01:00:00Z'));
    open.push(alert('b', 'SIAGA', '2026-12-01T01:00:00Z'));
    frames.frame();

    open.startOver();
    open.push(alert('b', 'SIAGA', '2026-12-01T01:00:00Z'));
    frames.frame();
    expect(open.list.map((a) => a.id)).toEqual(['b']);
  });
});
