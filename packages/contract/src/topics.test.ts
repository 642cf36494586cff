import { describe, expect, it } from 'vitest';
import {
  parseDeviceTopic,
  READINGS_SUBSCRIPTION,
  readingsTopic,
  sharedSubscription,
  statusTopic,
} from './topics.ts';

describe('topics', () => {
  it('builds the per-device topics under bisa/v1', () => {
    expect(readingsTopic('masamba-river-01')).toBe('bisa/v1/masamba-river-01/readings');
    expect(statusTopic('masamba-river-01')).toBe('bisa/v1/masamba-river-01/status');
    expect(READINGS_SUBSCRIPTION).toBe('bisa/v1/+/readings');
  });

  it('parses the device id and kind back out of a device topic', () => {
    expect(parseDeviceTopic(readingsTopic('masamba-river-01'))).toEqual({
      ok: true,
      deviceId: 'masamba-river-01',
      kind: 'readings',
    });
    expect(parseDeviceTopic(statusTopic('a1'))).toEqual({ ok: true, deviceId: 'a1', kind: 'status' });
    expect(sharedSubscription('bisa-ingest', READINGS_SUBSCRIPTION)).toBe(
      '$share/bisa-ingest/bisa/v1/+/readings',
    );
  });

  it.each([
    ['another root', 'bisa/v2/masamba-river-01/readings'],
    ['another kind', 'bisa/v1/masamba-river-01/config'],
    ['a trailing slash', 'bisa/v1/masamba-river-01/readings/'],
    ['an extra level', 'bisa/v1/masamba/river-01/readings'],
    ['a missing level', 'bisa/v1/readings'],
    ['an empty device id', 'bisa/v1//readings'],
    ['upper case', 'bisa/v1/Masamba-River-01/readings'],
    ['an underscore', 'bisa/v1/masamba_river/readings'],
    ['a leading hyphen', 'bisa/v1/-masamba/readings'],
    ['a one-character id', 'bisa/v1/m/readings'],
    ['a 64-character id', `bisa/v1/${'a'.repeat(64)}/readings`],
    ['a wildcard', 'bisa/v1/+/readings'],
  ])('refuses %s', (_name, topic) => {
    const result = parseDeviceTopic(topic);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail.length).toBeGreaterThan(0);
  });

  it('accepts a 63-character id', () => {
    expect(parseDeviceTopic(`bisa/v1/${'a'.repeat(63)}/readings`).ok).toBe(true);
  });
});
