/**
 * A Masamba-like flash flood (SAMPLE DATA, shaped after witness accounts of 13 July 2020, not a
 * measured hydrograph): heavy rain, the river falls while debris dams it upstream, then it surges
 * about four metres within minutes when the dam gives way, and recedes slowly. Pure functions of
 * the scenario time in seconds, shared by the drill CLI and the tests.
 */
export const FLOOD_SCENARIO_SECONDS = 60 * 60;

/** When the surge starts and how long it takes to rise from trough to crest. */
export const SURGE_START_SECONDS = 25 * 60;
export const SURGE_SECONDS = 8 * 60;

const CALM = 1.4;
const BEFORE_FALL = 1.55;
const TROUGH = 0.9;
const CREST = 4.9;
const AFTER = 3.2;

/** 0 at a, 1 at b, smooth in between (zero slope at both ends). */
function smooth(t: number, a: number, b: number): number {
  const u = Math.min(1, Math.max(0, (t - a) / (b - a)));
  return u * u * (3 - 2 * u);
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** River water level in metres at `t` seconds into the scenario. */
export function floodWaterLevel(t: number): number {
  const fallStart = 10 * 60;
  const surgeEnd = SURGE_START_SECONDS + SURGE_SECONDS;
  let level: number;
  if (t < fallStart) level = CALM + (BEFORE_FALL - CALM) * smooth(t, 0, fallStart);
  else if (t < SURGE_START_SECONDS)
    level = BEFORE_FALL + (TROUGH - BEFORE_FALL) * smooth(t, fallStart, SURGE_START_SECONDS);
  else if (t < surgeEnd) level = TROUGH + (CREST - TROUGH) * smooth(t, SURGE_START_SECONDS, surgeEnd);
  else level = CREST + (AFTER - CREST) * smooth(t, surgeEnd, FLOOD_SCENARIO_SECONDS);
  return round(level, 3);
}

/** Rainfall in millimetres per reading interval at `t` seconds: heavy from the tenth minute. */
export function floodRainfall(t: number): number {
  if (t < 10 * 60) return round(2 + 13 * smooth(t, 0, 10 * 60), 1);
  if (t < SURGE_START_SECONDS + SURGE_SECONDS) return round(30 + 10 * Math.sin(t / 90), 1);
  return round(10 * (1 - smooth(t, SURGE_START_SECONDS + SURGE_SECONDS, FLOOD_SCENARIO_SECONDS)) + 1, 1);
}
