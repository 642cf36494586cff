/**
 * Pure alert-rule logic: no I/O, no clock. Every rule kind turns readings into one number (the
 * "measure": the value, its change over a window, or how many expected intervals the datastream
 * has been silent) and the same level machine decides, with hysteresis and a pending period,
 * which of the rule's named levels is in force. A rule's direction says whether high (RISING) or
 * low (FALLING) measures are bad; the machine works on level indices, mildest first, either way.
 */
import { type AlertDirection, type LevelSpec, levelsSchemaFor } from '@bisa/db/alerts.ts';

/** A rule's levels, mildest first, and the direction they are read in. */
export interface LevelScale {
  direction: AlertDirection;
  levels: readonly LevelSpec[];
}

/** Parses a rule's stored levels for its direction; throws a message naming what is wrong. */
export function parseLevels(value: unknown, direction: AlertDirection): LevelScale {
  const parsed = levelsSchemaFor(direction).safeParse(value);
  if (!parsed.success) {
    throw new Error(`invalid alert levels: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return { direction, levels: parsed.data };
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
 * The level the measure points at, given the level in force: a more severe level needs its
 * `raise`, staying at (or falling back to) a level only needs its `clear`. Rising: reached at
 * measure >= raise, held while measure >= clear. Falling: reached at measure <= raise, held while
 * measure < clear (left once it is back at clear or above).
 */
export function observedLevel(scale: LevelScale, active: number, measure: number): number {
  const rising = scale.direction === 'RISING';
  const reaches = (l: LevelSpec) => (rising ? measure >= l.raise : measure <= l.raise);
  const holds = (l: LevelSpec) => (rising ? measure >= l.clear : measure < l.clear);
  let up = 0;
  scale.levels.forEach((l, i) => {
    if (reaches(l)) up = i + 1;
  });
  if (up >= active) return up;
  for (let j = active; j >= 1; j -= 1) {
    const spec = scale.levels[j - 1];
    if (spec && holds(spec)) return j;
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
 * `pendingMs` without interruption. Hysteresis applies to the wait as well: an escalation is
 * interrupted only when the measure leaves the pending level's `clear`, a de-escalation only when
 * it is back at the level in force. So a value flapping across a threshold within the pending
 * period changes nothing, and once raised, flapping around `raise` does not clear it.
 */
export function stepLevel(
  scale: LevelScale,
  pendingMs: number,
  state: LevelState,
  time: number,
  measure: number,
): LevelStep {
  const rising = state.candidate !== null && state.candidate > state.active;
  const observed = observedLevel(scale, rising ? (state.candidate ?? 0) : state.active, measure);
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
 * The change of a series at `at` over the preceding `windowMs`, measured from the opposite
 * extreme within the window (inclusive): rising, its value minus the lowest value (>= 0), so a
 * river that first recedes and then surges shows the full surge from the trough; falling, its
 * value minus the highest value (<= 0), the drop from the peak. `samples` may be in any order;
 * those outside the window are ignored.
 */
export function changeOverWindow(
  samples: readonly Sample[],
  at: Sample,
  windowMs: number,
  direction: AlertDirection,
): number {
  const pick = direction === 'RISING' ? Math.min : Math.max;
  let extreme = at.value;
  for (const s of samples) {
    if (s.time >= at.time - windowMs && s.time <= at.time) extreme = pick(extreme, s.value);
  }
  return at.value - extreme;
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
