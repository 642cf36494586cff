import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LevelState,
  NORMAL_STATE,
  observedLevel,
  parseLevels,
  riseOverWindow,
  silenceInIntervals,
  stepLevel,
} from './rule-logic.ts';

const LEVELS = parseLevels([
  { level: 'WASPADA', raise: 2.5, clear: 2.3 },
  { level: 'SIAGA', raise: 3, clear: 2.8 },
  { level: 'AWAS', raise: 3.5, clear: 3.3 },
]);

function run(values: readonly (readonly [number, number])[], pendingMs: number) {
  let state: LevelState = NORMAL_STATE;
  const changes: { at: number; from: number; to: number }[] = [];
  for (const [time, value] of values) {
    const step = stepLevel(LEVELS, pendingMs, state, time, value);
    state = step.state;
    if (step.change) changes.push({ at: time, ...step.change });
  }
  return { state, changes };
}

describe('parseLevels', () => {
  it('refuses levels out of order, clear above raise, and duplicate names', () => {
    expect(() =>
      parseLevels([
        { level: 'B', raise: 3, clear: 2 },
        { level: 'A', raise: 2, clear: 1 },
      ]),
    ).toThrow(/lowest first/);
    expect(() => parseLevels([{ level: 'A', raise: 1, clear: 2 }])).toThrow(/clear must not be above raise/);
    expect(() =>
      parseLevels([
        { level: 'A', raise: 1, clear: 0 },
        { level: 'A', raise: 2, clear: 1 },
      ]),
    ).toThrow(/must differ/);
    expect(() => parseLevels([])).toThrow(/at least one level/);
  });
});

describe('observedLevel', () => {
  it('needs raise to go up and only clear to stay', () => {
    expect(observedLevel(LEVELS, 0, 2.4)).toBe(0);
    expect(observedLevel(LEVELS, 0, 2.5)).toBe(1);
    expect(observedLevel(LEVELS, 1, 2.4)).toBe(1);
    expect(observedLevel(LEVELS, 1, 2.29)).toBe(0);
    expect(observedLevel(LEVELS, 3, 3.4)).toBe(3);
    expect(observedLevel(LEVELS, 3, 3.2)).toBe(2);
    expect(observedLevel(LEVELS, 3, 1)).toBe(0);
    expect(observedLevel(LEVELS, 0, 9)).toBe(3);
  });
});

describe('stepLevel', () => {
  it('changes level at once without a pending period', () => {
    const { changes } = run(
      [
        [0, 2],
        [1, 3.1],
        [2, 2],
      ],
      0,
    );
    expect(changes).toEqual([
      { at: 1, from: 0, to: 2 },
      { at: 2, from: 2, to: 0 },
    ]);
  });

  it('raises only after the condition held for the pending period', () => {
    const { changes } = run(
      [
        [0, 2.6],
        [30_000, 2.6],
        [59_999, 2.6],
        [60_000, 2.6],
      ],
      60_000,
    );
    expect(changes).toEqual([{ at: 60_000, from: 0, to: 1 }]);
  });

  it('a dip below the clear level restarts the pending period', () => {
    const { changes } = run(
      [
        [0, 2.6],
        [50_000, 2.0],
        [70_000, 2.6],
        [110_000, 2.6],
        [130_000, 2.6],
      ],
      60_000,
    );
    expect(changes).toEqual([{ at: 130_000, from: 0, to: 1 }]);
  });

  it('a value flapping around the threshold raises once and never clears', () => {
    const values: [number, number][] = [];
    for (let i = 0; i < 200; i += 1) values.push([i * 5_000, i % 2 === 0 ? 2.52 : 2.47]);
    const { changes, state } = run(values, 60_000);
    expect(changes).toEqual([{ at: 60_000, from: 0, to: 1 }]);
    expect(state.active).toBe(1);
  });

  it('never changes level when every excursion is shorter than the pending period', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 40 }), (durations) => {
        // Alternating normal and high spells, each high spell shorter than the pending period.
        const values: [number, number][] = [];
        let t = 0;
        durations.forEach((seconds, i) => {
          values.push([t, i % 2 === 0 ? 1 : 4]);
          t += seconds * 1000;
        });
        return run(values, 60_000).changes.length === 0;
      }),
    );
  });

  it('escalates and de-escalates through the named levels', () => {
    const { changes } = run(
      [
        [0, 2.6],
        [1, 3.2],
        [2, 3.6],
        [3, 3.2],
        [4, 1],
      ],
      0,
    );
    expect(changes.map((c) => c.to)).toEqual([1, 2, 3, 2, 0]);
  });
});

describe('riseOverWindow', () => {
  it('measures from the lowest value in the window, so a recession then surge counts in full', () => {
    const samples = [
      { time: 0, value: 1.5 },
      { time: 60_000, value: 0.8 },
      { time: 120_000, value: 2.0 },
    ];
    expect(riseOverWindow(samples, { time: 180_000, value: 3.5 }, 600_000)).toBeCloseTo(2.7);
    // The trough is outside a 90 s window.
    expect(riseOverWindow(samples, { time: 180_000, value: 3.5 }, 90_000)).toBeCloseTo(1.5);
    expect(riseOverWindow([], { time: 0, value: 3 }, 60_000)).toBe(0);
  });

  it('is zero for a falling river', () => {
    const samples = [{ time: 0, value: 3 }];
    expect(riseOverWindow(samples, { time: 1000, value: 2 }, 60_000)).toBe(0);
  });
});

describe('silenceInIntervals', () => {
  it('counts expected intervals since the last reading', () => {
    expect(silenceInIntervals(0, 180_000, 60)).toBe(3);
    expect(silenceInIntervals(10_000, 0, 60)).toBe(0);
  });
});
