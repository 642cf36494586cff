import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changeOverWindow,
  type LevelScale,
  type LevelState,
  NORMAL_STATE,
  observedLevel,
  parseLevels,
  silenceInIntervals,
  stepLevel,
} from './rule-logic.ts';

const LEVELS = parseLevels(
  [
    { level: 'WASPADA', raise: 2.5, clear: 2.3 },
    { level: 'SIAGA', raise: 3, clear: 2.8 },
    { level: 'AWAS', raise: 3.5, clear: 3.3 },
  ],
  'RISING',
);

/** A clean-water reservoir (m): low is bad. Mildest first, each raise below the previous one. */
const RESERVOIR = parseLevels(
  [
    { level: 'WASPADA', raise: 1.5, clear: 1.7 },
    { level: 'SIAGA', raise: 1.0, clear: 1.2 },
    { level: 'AWAS', raise: 0.5, clear: 0.7 },
  ],
  'FALLING',
);

function run(values: readonly (readonly [number, number])[], pendingMs: number, scale: LevelScale = LEVELS) {
  let state: LevelState = NORMAL_STATE;
  const changes: { at: number; from: number; to: number }[] = [];
  for (const [time, value] of values) {
    const step = stepLevel(scale, pendingMs, state, time, value);
    state = step.state;
    if (step.change) changes.push({ at: time, ...step.change });
  }
  return { state, changes };
}

describe('parseLevels', () => {
  it('refuses levels out of order, clear above raise, and duplicate names', () => {
    expect(() =>
      parseLevels(
        [
          { level: 'B', raise: 3, clear: 2 },
          { level: 'A', raise: 2, clear: 1 },
        ],
        'RISING',
      ),
    ).toThrow(/lowest first/);
    expect(() => parseLevels([{ level: 'A', raise: 1, clear: 2 }], 'RISING')).toThrow(
      /A: clear must not be above raise/,
    );
    expect(() =>
      parseLevels(
        [
          { level: 'A', raise: 1, clear: 0 },
          { level: 'A', raise: 2, clear: 1 },
        ],
        'RISING',
      ),
    ).toThrow(/must differ/);
    expect(() => parseLevels([], 'RISING')).toThrow(/at least one level/);
  });

  it('wants a falling rule the other way round: clear above raise, raise descending', () => {
    // The rising hysteresis on a falling rule is the mistake to catch.
    expect(() => parseLevels([{ level: 'WASPADA', raise: 1.5, clear: 1.3 }], 'FALLING')).toThrow(
      /WASPADA: on a FALLING rule clear must be above raise/,
    );
    // Equal would enter and leave the level at the same value.
    expect(() => parseLevels([{ level: 'WASPADA', raise: 1.5, clear: 1.5 }], 'FALLING')).toThrow(
      /clear must be above raise/,
    );
    expect(() =>
      parseLevels(
        [
          { level: 'WASPADA', raise: 1.0, clear: 1.2 },
          { level: 'SIAGA', raise: 1.5, clear: 1.7 },
        ],
        'FALLING',
      ),
    ).toThrow(/mildest first, each raise below the previous one/);
    expect(RESERVOIR.levels).toHaveLength(3);
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

describe('observedLevel on a falling rule', () => {
  it('needs the value at or below raise to go down a level, and clear or above to leave it', () => {
    expect(observedLevel(RESERVOIR, 0, 1.6)).toBe(0);
    expect(observedLevel(RESERVOIR, 0, 1.5)).toBe(1);
    // Inside the hysteresis band the level in force holds.
    expect(observedLevel(RESERVOIR, 1, 1.69)).toBe(1);
    expect(observedLevel(RESERVOIR, 1, 1.7)).toBe(0);
    expect(observedLevel(RESERVOIR, 0, 0.4)).toBe(3);
    expect(observedLevel(RESERVOIR, 3, 0.6)).toBe(3);
    expect(observedLevel(RESERVOIR, 3, 0.8)).toBe(2);
    expect(observedLevel(RESERVOIR, 3, 2)).toBe(0);
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

describe('stepLevel on a falling rule', () => {
  it('enters a low level only after the pending period, and a climb back above clear restarts the wait', () => {
    const { changes } = run(
      [
        [0, 1.4],
        [50_000, 1.8],
        [70_000, 1.4],
        [110_000, 1.45],
        [130_000, 1.4],
      ],
      60_000,
      RESERVOIR,
    );
    expect(changes).toEqual([{ at: 130_000, from: 0, to: 1 }]);
  });

  it('a rise that stays below clear does not interrupt the wait', () => {
    const { changes } = run(
      [
        [0, 1.4],
        [30_000, 1.65],
        [60_000, 1.4],
      ],
      60_000,
      RESERVOIR,
    );
    expect(changes).toEqual([{ at: 60_000, from: 0, to: 1 }]);
  });

  it('a value flapping around raise lowers once and never clears', () => {
    const values: [number, number][] = [];
    for (let i = 0; i < 200; i += 1) values.push([i * 5_000, i % 2 === 0 ? 1.48 : 1.53]);
    const { changes, state } = run(values, 60_000, RESERVOIR);
    expect(changes).toEqual([{ at: 60_000, from: 0, to: 1 }]);
    expect(state.active).toBe(1);
  });

  it('goes straight to the lowest level reached, and clears at clear or above after the pending period', () => {
    const { changes } = run(
      [
        [0, 0.4],
        [10_000, 0.4],
        [11_000, 0.6],
        [12_000, 1.75],
        [20_000, 0.6],
        [21_000, 1.75],
        [31_000, 1.7],
      ],
      10_000,
      RESERVOIR,
    );
    // 0.6 is inside AWAS's band (below its clear 0.7): AWAS holds, and the relapse at 20 s
    // interrupts the wait to clear; 1.7 is WASPADA's clear, which counts as back to normal.
    expect(changes).toEqual([
      { at: 10_000, from: 0, to: 3 },
      { at: 31_000, from: 3, to: 0 },
    ]);
  });
});

describe('changeOverWindow', () => {
  it('rising: measures from the lowest value in the window, so a recession then surge counts in full', () => {
    const samples = [
      { time: 0, value: 1.5 },
      { time: 60_000, value: 0.8 },
      { time: 120_000, value: 2.0 },
    ];
    expect(changeOverWindow(samples, { time: 180_000, value: 3.5 }, 600_000, 'RISING')).toBeCloseTo(2.7);
    // The trough is outside a 90 s window.
    expect(changeOverWindow(samples, { time: 180_000, value: 3.5 }, 90_000, 'RISING')).toBeCloseTo(1.5);
    expect(changeOverWindow([], { time: 0, value: 3 }, 60_000, 'RISING')).toBe(0);
  });

  it('rising: is zero for a falling river', () => {
    const samples = [{ time: 0, value: 3 }];
    expect(changeOverWindow(samples, { time: 1000, value: 2 }, 60_000, 'RISING')).toBe(0);
  });

  it('falling: measures the drop from the highest value in the window, as a negative number', () => {
    const samples = [
      { time: 0, value: 2.0 },
      { time: 60_000, value: 2.6 },
      { time: 120_000, value: 2.2 },
    ];
    expect(changeOverWindow(samples, { time: 180_000, value: 1.4 }, 600_000, 'FALLING')).toBeCloseTo(-1.2);
    // The peak is outside a 90 s window.
    expect(changeOverWindow(samples, { time: 180_000, value: 1.4 }, 90_000, 'FALLING')).toBeCloseTo(-0.8);
    // A filling reservoir has not fallen at all.
    expect(changeOverWindow(samples, { time: 180_000, value: 3 }, 600_000, 'FALLING')).toBe(0);
  });

  it('a falling rate rule opens when the drop reaches raise and clears when it is back above clear', () => {
    const fall = parseLevels([{ level: 'SIAGA', raise: -0.5, clear: -0.2 }], 'FALLING');
    expect(observedLevel(fall, 0, -0.4)).toBe(0);
    expect(observedLevel(fall, 0, -0.5)).toBe(1);
    expect(observedLevel(fall, 1, -0.25)).toBe(1);
    expect(observedLevel(fall, 1, -0.2)).toBe(0);
  });
});

describe('silenceInIntervals', () => {
  it('counts expected intervals since the last reading', () => {
    expect(silenceInIntervals(0, 180_000, 60)).toBe(3);
    expect(silenceInIntervals(10_000, 0, 60)).toBe(0);
  });
});
