import { describe, expect, it } from 'vitest';
import { parseReadingsTopic, READINGS_SUBSCRIPTION, readingsTopic, statusTopic } from './topics.ts';

describe('topics', () => {
  it('builds the per-device topics under bisa/v1', () => {
    expect(readingsTopic('masamba-river-01')).toBe('bisa/v1/masamba-river-01/readings');
    expect(statusTopic('masamba-river-01')).toBe('bisa/v1/masamba-river-01/status');
    expect(READINGS_SUBSCRIPTION).toBe('bisa/v1/+/readings');
  });

  it('parses the device id back out of a readings topic', () => {
    expect(parseReadingsTopic(readingsTopic('masamba-river-01'))).toEqual({
      ok: true,
      deviceId: 'masamba-river-01',
    });
    expect(parseReadingsTopic('bisa/v1/a1/readings')).toEqual({ ok: true, deviceId: 'a1' });
  });

  it.each([
    ['another root', 'bisa/v2/masamba-river-01/readings'],
    ['the status topic', 'bisa/v1/masamba-river-01/status'],
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
    const result = parseReadingsTopic(topic);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail.length).toBeGreaterThan(0);
  });

  it('accepts a 63-character id', () => {
    expect(parseReadingsTopic(`bisa/v1/${'a'.repeat(63)}/readings`).ok).toBe(true);
  });
});
