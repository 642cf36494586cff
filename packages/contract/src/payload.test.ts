import { describe, expect, it } from 'vitest';
import {
  encodeReadingsPayload,
  MAX_BATCH_LENGTH,
  MAX_PAYLOAD_BYTES,
  parseReadingsPayload,
  type RejectionReason,
} from './payload.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseReadingsPayload(encode(text));

describe('parseReadingsPayload', () => {
  it('parses a single reading and normalises its time to UTC', () => {
    expect(parse('{"time":"2026-11-28T10:00:00+08:00","values":{"water_level":1.25,"rainfall":0}}')).toEqual({
      ok: true,
      readings: [{ time: new Date('2026-11-28T02:00:00Z'), values: { water_level: 1.25, rainfall: 0 } }],
    });
  });

  it('parses a batch in order and tolerates unknown extra fields', () => {
    const result = parse(
      '[{"time":"2026-11-28T02:00:00Z","values":{"pm25":12}},{"time":"2026-11-28T02:01:00.5Z","values":{"pm25":-3e2},"seq":2}]',
    );
    expect(result).toEqual({
      ok: true,
      readings: [
        { time: new Date('2026-11-28T02:00:00Z'), values: { pm25: 12 } },
        { time: new Date('2026-11-28T02:01:00.500Z'), values: { pm25: -300 } },
      ],
    });
  });

  it('round-trips what encodeReadingsPayload produces', () => {
    const readings = [
      { time: new Date('2026-11-28T02:00:00Z'), values: { water_level: 1 } },
      { time: new Date('2026-11-28T02:01:00Z'), values: { water_level: 2 } },
    ];
    expect(parseReadingsPayload(encode(encodeReadingsPayload(readings)))).toEqual({ ok: true, readings });
    expect(parseReadingsPayload(encode(encodeReadingsPayload(readings.slice(0, 1))))).toEqual({
      ok: true,
      readings: readings.slice(0, 1),
    });
  });

  const cases: [string, Uint8Array, RejectionReason][] = [
    ['an oversize payload', new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x20), 'payload_too_large'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'invalid_utf8'],
    ['invalid JSON', encode('{"time":'), 'invalid_json'],
    [
      'NaN, which JSON does not have',
      encode('{"time":"2026-11-28T02:00:00Z","values":{"x":NaN}}'),
      'invalid_json',
    ],
    ['an empty batch', encode('[]'), 'invalid_shape'],
    ['a bare number', encode('42'), 'invalid_shape'],
    ['missing values', encode('{"time":"2026-11-28T02:00:00Z"}'), 'invalid_shape'],
    ['empty values', encode('{"time":"2026-11-28T02:00:00Z","values":{}}'), 'invalid_shape'],
    ['an upper-case metric', encode('{"time":"2026-11-28T02:00:00Z","values":{"PM25":1}}'), 'invalid_shape'],
    ['a missing time', encode('{"values":{"x":1}}'), 'invalid_time'],
    ['a time without offset', encode('{"time":"2026-11-28T02:00:00","values":{"x":1}}'), 'invalid_time'],
    ['a date without time', encode('{"time":"2026-11-28","values":{"x":1}}'), 'invalid_time'],
    ['epoch seconds', encode('{"time":1764295200,"values":{"x":1}}'), 'invalid_time'],
    ['a number as a string', encode('{"time":"2026-11-28T02:00:00Z","values":{"x":"1.5"}}'), 'invalid_value'],
    ['null', encode('{"time":"2026-11-28T02:00:00Z","values":{"x":null}}'), 'invalid_value'],
    ['a boolean', encode('{"time":"2026-11-28T02:00:00Z","values":{"x":true}}'), 'invalid_value'],
    [
      'a number beyond a double',
      encode('{"time":"2026-11-28T02:00:00Z","values":{"x":1e400}}'),
      'invalid_value',
    ],
    [
      'a batch over the limit',
      encode(JSON.stringify(Array.from({ length: MAX_BATCH_LENGTH + 1 }, () => ({})))),
      'batch_too_large',
    ],
  ];

  it.each(cases)('refuses %s', (_name, payload, reason) => {
    const result = parseReadingsPayload(payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
    expect(!result.ok && result.detail.length).toBeGreaterThan(0);
  });

  it('names the offending reading of a batch', () => {
    const result = parse(
      '[{"time":"2026-11-28T02:00:00Z","values":{"x":1}},{"time":"2026-11-28T02:01:00Z","values":{"x":"2"}}]',
    );
    expect(!result.ok && result.detail).toMatch(/^reading \[1\]: values\.x/);
  });

  it('accepts exactly the limits', () => {
    const batch = Array.from({ length: MAX_BATCH_LENGTH }, (_, i) => ({
      time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      values: { x: i },
    }));
    expect(parse(JSON.stringify(batch)).ok).toBe(true);
    const padded = `{"time":"2026-11-28T02:00:00Z","values":{"x":1}}`;
    const exact = new Uint8Array(MAX_PAYLOAD_BYTES).fill(0x20);
    exact.set(encode(padded));
    expect(parseReadingsPayload(exact).ok).toBe(true);
  });
});
