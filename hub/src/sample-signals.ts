/**
 * Plausible signals for the sample devices' metrics (SAMPLE DATA): a daily cycle plus noise,
 * so the dashboard moves like a real deployment would. Pure functions of time and a random source.
 */
export type RandomSource = () => number;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function daily(time: Date, peakHour: number): number {
  // Local time in Luwu Utara is WITA (UTC+8); 1 at the peak hour, -1 twelve hours later.
  const hours = ((time.getTime() + 8 * HOUR) % DAY) / HOUR;
  return Math.cos(((hours - peakHour) / 24) * 2 * Math.PI);
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

const SIGNALS: Record<string, (time: Date, random: RandomSource) => number> = {
  water_level: (t, r) => round(1.4 + 0.25 * daily(t, 4) + 0.04 * (r() - 0.5), 3),
  rainfall: (t, r) => round(Math.max(0, 2.5 * daily(t, 16) + 3 * r() - 2.2), 1),
  pm25: (t, r) => round(32 + 14 * daily(t, 8) + 6 * r(), 1),
  noise_level: (t, r) => round(62 + 8 * daily(t, 10) + 3 * r(), 1),
  wifi_users: (t, r) => Math.max(0, Math.round(35 + 30 * daily(t, 19) + 6 * r())),
  uptime: (_t, r) => round(99.2 + 0.8 * r(), 2),
  applications: (t, r) => Math.max(0, Math.round(4 + 4 * daily(t, 10) + 2 * r())),
};

export function hasSampleSignal(metric: string): boolean {
  return metric in SIGNALS;
}

/** A value for `metric` at `time`; metrics without a known signal get a value in [0, 100). */
export function sampleValue(metric: string, time: Date, random: RandomSource = Math.random): number {
  const signal = SIGNALS[metric];
  return signal ? signal(time, random) : round(100 * random(), 2);
}
