/**
 * Pure alert-rule logic: no I/O, no clock. Every rule kind turns readings into one number (the
 * "measure": the value, its rise over a window, or how many expected intervals the datastream has
 * been silent) and the same level machine decides, with hysteresis and a pending period, which
 * of the rule's named levels is in force.
 */
import { type LevelSpec, levelsSchema } from '@bisa/db/alerts.ts';

/** Parses a rule's stored levels; throws a message naming what is wrong with them. */
export function parseLevels(value: unknown): LevelSpec[] {
  const parsed = levelsSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`invalid alert levels: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

/** What the machine remembers between two measures. Level 0 is normal; i is `levels[i - 1]`. */
export interface LevelState {
  active: number;
  /** A level other than `active` that the measure has pointed at since `candidateSince` (ms). */
  candidate: number | null;
  candidateSince: number | null;
}

export const NORMAL_STATE: LevelState = { active: 0, candidate: null, candidateSince: null };

/**
 * The level the measure points at, given the level in force: a higher level needs its `raise`,
 * staying at (or falling back to) a level only needs its `clear`.
 */
export function observedLevel(levels: readonly LevelSpec[], active: number, measure: number): number {
  let up = 0;
  levels.forEach((l, i) => {
    if (measure >= l.raise) up = i + 1;
  });
  if (up >= active) return up;
  for (let j = active; j >= 1; j -= 1) {
    const spec = levels[j - 1];
    if (spec && measure >= spec.clear) return j;
  }
  return 0;
}

export interface LevelStep {
  state: LevelState;
  /** Set when the level in force changes. */
  change?: { from: number; to: number };
}

/**
 * Advances the level machine by one measure taken at `time` (ms). A change of level takes effect
 * only once the measure has pointed away from the level in force, in the same direction, for
 * `pendingMs` without interruption. Hysteresis applies to the wait as well: a rise is interrupted
 * only when the measure falls below the pending level's `clear`, a fall only when it is back at
 * the level in force. So a value flapping across a threshold within the pending period changes
 * nothing, and once raised, flapping around `raise` does not clear it.
 */
export function stepLevel(
  levels: readonly LevelSpec[],
  pendingMs: number,
  state: LevelState,
  time: number,
  measure: number,
): LevelStep {
  const rising = state.candidate !== null && state.candidate > state.active;
  const observed = observedLevel(levels, rising ? (state.candidate ?? 0) : state.active, measure);
  if (observed === state.active) return { state: { ...state, candidate: null, candidateSince: null } };
  const sameDirection = state.candidate !== null && rising === observed > state.active;
  const since = sameDirection && state.candidateSince !== null ? state.candidateSince : time;
  if (time - since >= pendingMs) {
    return {
      state: { active: observed, candidate: null, candidateSince: null },
      change: { from: state.active, to: observed },
    };
  }
  return { state: { active: state.active, candidate: observed, candidateSince: since } };
}

export interface Sample {
  /** ms */
  time: number;
  value: number;
}

/**
 * The rise of a series at `at` over the preceding `windowMs`: its value then minus the lowest
 * value within the window (inclusive). A river that first recedes and then surges shows the full
 * surge from the trough. `samples` may be in any order; those outside the window are ignored.
 */
export function riseOverWindow(samples: readonly Sample[], at: Sample, windowMs: number): number {
  let lowest = at.value;
  for (const s of samples) {
    if (s.time >= at.time - windowMs && s.time <= at.time && s.value < lowest) lowest = s.value;
  }
  return at.value - lowest;
}

/** How many expected intervals a datastream has been silent at `now` (ms); 0 for a future reading. */
export function silenceInIntervals(
  lastReadingMs: number,
  now: number,
  expectedIntervalSeconds: number,
): number {
  return Math.max(0, now - lastReadingMs) / (expectedIntervalSeconds * 1000);
}

/** The level name of level index `i` (0 is NORMAL). */
export function levelName(levels: readonly LevelSpec[], i: number): string {
  return i === 0 ? 'NORMAL' : (levels[i - 1]?.level ?? 'NORMAL');
}
