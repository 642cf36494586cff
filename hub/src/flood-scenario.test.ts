import { describe, expect, it } from 'vitest';
import {
  FLOOD_SCENARIO_SECONDS,
  floodRainfall,
  floodWaterLevel,
  SURGE_SECONDS,
  SURGE_START_SECONDS,
} from './flood-scenario.ts';

describe('flood scenario', () => {
  it('falls before it surges by about four metres within minutes', () => {
    const trough = floodWaterLevel(SURGE_START_SECONDS);
    expect(trough).toBeLessThan(floodWaterLevel(0));
    const crest = floodWaterLevel(SURGE_START_SECONDS + SURGE_SECONDS);
    expect(crest - trough).toBeCloseTo(4, 1);
    expect(SURGE_SECONDS).toBeLessThanOrEqual(10 * 60);
  });

  it('stays a plausible river and rain gauge throughout', () => {
    for (let t = 0; t <= FLOOD_SCENARIO_SECONDS; t += 10) {
      expect(floodWaterLevel(t)).toBeGreaterThan(0.5);
      expect(floodWaterLevel(t)).toBeLessThan(5);
      expect(floodRainfall(t)).toBeGreaterThanOrEqual(0);
    }
  });
});
