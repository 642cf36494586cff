import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_FUTURE_MS,
  ACCEPTED_PAST_MS,
  acceptSingleReading,
  encodeReadingsPayload,
  MAX_BATCH_LENGTH,
  MAX_PAYLOAD_BYTES,
  parseReadingsPayload,
  parseStatusPayload,
  type RejectionReason,
  validateReadingsJson,
} from './payload.ts';

const encode = (text: string) => new TextEncoder().encode(text);
// A fixed clock, so the accepted timestamp window does not depend on when the tests run.
const NOW = new Date('2026-11-28T12:00:00Z');
const DEVICE = 'masamba-river-01';
const parseAt = (payload: Uint8Array) => parseReadingsPayload(payload, { now: NOW, deviceId: DEVICE });
const parse = (text: string) => parseAt(encode(text));

describe('parseReadingsPayload', () => {
  it('parses a single reading and normalises its time to UTC', () => {
    expect(parse('{"time":"2026-11-28T10:00:00+08:00","values":{"water_level":1.25,"rainfall":0}}')).toEqual({
      ok: true,
      format: 'bisa',
      readings: [{ time: new Date('2026-11-28T02:00:00Z'), values: { water_level: 1.25, rainfall: 0 } }],
    });
  });

  it('parses a batch in order and tolerates unknown extra fields', () => {
    const result = parse(
      '[{"time":"2026-11-28T02:00:00Z","values":{"pm25":12}},{"time":"2026-11-28T02:01:00.5Z","values":{"pm25":-3e2},"seq":2}]',
    );
    expect(result).toEqual({
      ok: true,
      format: 'bisa',
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
    expect(parseAt(encode(encodeReadingsPayload(readings)))).toEqual({ ok: true, format: 'bisa', readings });
    expect(parseAt(encode(encodeReadingsPayload(readings.slice(0, 1))))).toEqual({
      ok: true,
      format: 'bisa',
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
    // JSON.parse makes "__proto__" an own key; dropped, the other value would be stored without it.
    [
      'a "__proto__" metric beside a valid one',
      encode('{"time":"2026-11-28T02:00:00Z","values":{"water_level":1,"__proto__":2}}'),
      'invalid_shape',
    ],
    ['a missing time', encode('{"values":{"x":1}}'), 'invalid_time'],
    ['a time without offset', encode('{"time":"2026-11-28T02:00:00","values":{"x":1}}'), 'invalid_time'],
    ['a date without time', encode('{"time":"2026-11-28","values":{"x":1}}'), 'invalid_time'],
    ['epoch seconds', encode('{"time":1795831200,"values":{"x":1}}'), 'invalid_time'],
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
    ['a time 31 days old', encode('{"time":"2026-10-28T11:59:59Z","values":{"x":1}}'), 'time_outside_window'],
    [
      'a time 6 minutes ahead',
      encode('{"time":"2026-11-28T12:06:00Z","values":{"x":1}}'),
      'time_outside_window',
    ],
    [
      'the epoch of a reset clock',
      encode('{"time":"1970-01-01T00:00:00Z","values":{"x":1}}'),
      'time_outside_window',
    ],
    [
      'one metric twice at one time',
      encode(
        '[{"time":"2026-11-28T02:00:00Z","values":{"x":1}},{"time":"2026-11-28T10:00:00+08:00","values":{"x":2}}]',
      ),
      'ambiguous_field',
    ],
    [
      'a record in both formats',
      encode('[{"time":"2026-11-28T02:00:00Z","values":{"x":1},"v":1}]'),
      'ambiguous_field',
    ],
    [
      'both formats in one message',
      encode('[{"time":"2026-11-28T02:00:00Z","values":{"x":1}},{"n":"x","v":1,"t":1795831200}]'),
      'ambiguous_field',
    ],
    ['a SenML string value', encode('[{"n":"x","vs":"high","t":1795831200}]'), 'invalid_value'],
    ['a SenML string number', encode('[{"n":"x","v":"1.5","t":1795831200}]'), 'invalid_value'],
    ['SenML v and vs together', encode('[{"n":"x","v":1,"vs":"1","t":1795831200}]'), 'ambiguous_field'],
    ['a SenML relative time', encode('[{"n":"x","v":1,"t":-60}]'), 'invalid_time'],
    ['a SenML record without time', encode('[{"n":"x","v":1}]'), 'invalid_time'],
    ['a SenML string time', encode('[{"n":"x","v":1,"t":"2026-11-28T02:00:00Z"}]'), 'invalid_time'],
    [
      'a SenML base name of another device',
      encode('[{"bn":"other-01/","n":"x","v":1,"bt":1795831200}]'),
      'ambiguous_field',
    ],
    ['a SenML must-understand field', encode('[{"n":"x","v":1,"t":1795831200,"crit_":1}]'), 'invalid_shape'],
    ['a SenML upper-case name', encode('[{"n":"Temp","v":1,"t":1795831200}]'), 'invalid_shape'],
    [
      'a SenML name twice at one time',
      encode('[{"bt":1795831200,"n":"x","v":1},{"n":"x","v":2}]'),
      'ambiguous_field',
    ],
    ['a SenML time outside the window', encode('[{"n":"x","v":1,"t":1000000000}]'), 'time_outside_window'],
  ];

  it.each(cases)('refuses %s', (_name, payload, reason) => {
    const result = parseAt(payload);
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
      time: new Date(Date.UTC(2026, 10, 28) + i * 1000).toISOString(),
      values: { x: i },
    }));
    expect(parse(JSON.stringify(batch)).ok).toBe(true);
    const padded = `{"time":"2026-11-28T02:00:00Z","values":{"x":1}}`;
    const exact = new Uint8Array(MAX_PAYLOAD_BYTES).fill(0x20);
    exact.set(encode(padded));
    expect(parseAt(exact).ok).toBe(true);
  });

  it('accepts the edges of the timestamp window', () => {
    expect(parse('{"time":"2026-10-29T12:00:00Z","values":{"x":1}}').ok).toBe(true);
    expect(parse('{"time":"2026-11-28T12:05:00Z","values":{"x":1}}').ok).toBe(true);
  });

  it('refuses every reason with a reason-specific detail, never by throwing', () => {
    expect(() => parseAt(new Uint8Array([0xc3, 0x28]))).not.toThrow();
  });
});

describe('the single-reading fast path', () => {
  // Times near the window's edges and inside it, written with and without fractions and offsets.
  const ms = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.integer({
        min: NOW.getTime() - ACCEPTED_PAST_MS,
        max: NOW.getTime() + ACCEPTED_FUTURE_MS,
      }),
    },
    fc.integer({
      min: NOW.getTime() - ACCEPTED_PAST_MS - 60_000,
      max: NOW.getTime() + ACCEPTED_FUTURE_MS + 60_000,
    }),
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(-1, 0, 1)
        .chain((d) =>
          fc.constantFrom(NOW.getTime() - ACCEPTED_PAST_MS + d, NOW.getTime() + ACCEPTED_FUTURE_MS + d),
        ),
    },
    fc.constant(0),
    fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) }),
  );
  const offset = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('Z', '+08:00', '-03:30', '+00:00') },
    { weight: 1, arbitrary: fc.constantFrom('z', '+0800', '+24:00', '') },
  );
  const isoTime = fc
    // 'ms' keeps the time's own milliseconds; the others replace them (or drop them).
    .tuple(ms, offset, fc.constantFrom('ms', 'ms', '', '.5', '.123456789', '.'))
    .map(([t, zone, fraction]) => {
      const minutes =
        zone === 'Z' || zone === 'z' || !/^[+-]\d\d:\d\d$/.test(zone)
          ? 0
          : Number(zone.slice(0, 3)) * 60 + Math.sign(Number(zone.slice(0, 3))) * Number(zone.slice(4));
      const local = new Date(t + minutes * 60_000).toISOString();
      return `${local.slice(0, 19)}${fraction === 'ms' ? local.slice(19, 23) : fraction}${zone}`;
    });
  const time = fc.oneof(
    { weight: 20, arbitrary: isoTime },
    {
      weight: 1,
      arbitrary: fc.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)?$/),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.constant(undefined),
        fc.tuple(isoTime),
      ),
    },
  );
  const key = fc.oneof(
    { weight: 40, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'Water', '1x', '', 'a'.repeat(64)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  const value = fc.oneof(
    { weight: 40, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constant(-0),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 2 }),
      ),
    },
  );
  const values = fc.oneof(
    { weight: 20, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constant(null), fc.array(value, { maxLength: 2 }), fc.string(), fc.double()),
    },
  );
  const extra = fc.option(
    fc.dictionary(
      fc.oneof(fc.constantFrom('seq', 'v', 'n', 't', 'bn', 'bt', 'crit_', 'u'), fc.string({ maxLength: 5 })),
      fc.jsonValue({ maxDepth: 1 }),
      { maxKeys: 2 },
    ),
    { freq: 3, nil: {} },
  );
  // Built as JSON text and parsed back, so the objects are what JSON.parse gives (own "__proto__" keys included).
  const reading = fc
    .record({ time, values, extra, omit: fc.constantFrom(...Array<string>(10).fill(''), 'time', 'values') })
    .map(({ time, values, extra, omit }) => {
      const record: Record<string, unknown> = { ...extra };
      if (omit !== 'time') record.time = time;
      if (omit !== 'values') record.values = values;
      return JSON.parse(JSON.stringify(record).replaceAll('"_proto_"', '"__proto__"')) as unknown;
    });

  it('returns exactly what the full validator returns, or leaves the message to it', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.oneof({ weight: 8, arbitrary: reading }, { weight: 1, arbitrary: fc.jsonValue() }),
        (json) => {
          const full = validateReadingsJson(json, { now: NOW, deviceId: DEVICE });
          const quick = acceptSingleReading(json, NOW);
          if (quick !== undefined) {
            fast += 1;
            expect(quick).toEqual(full);
          } else if (full.ok && full.format === 'bisa' && !Array.isArray(json)) {
            // Every single reading the contract accepts takes the fast path.
            expect.unreachable(`fast path refused an accepted reading: ${JSON.stringify(json)}`);
          }
        },
      ),
      { numRuns: 10_000 },
    );
    // The generators must reach the fast path often, or the comparison above proves little.
    expect(fast).toBeGreaterThan(1_000);
    // 10,000 generated payloads take a few seconds on a busy machine.
  }, 60_000);

  it('is what parseReadingsPayload takes for a single reading, and the result is the same', () => {
    const text =
      '{"time":"2026-11-28T10:00:00.250+08:00","values":{"water_level":1.25,"rainfall":0},"seq":7}';
    expect(acceptSingleReading(JSON.parse(text), NOW)).toEqual(parse(text));
    expect(parse(text)).toEqual(validateReadingsJson(JSON.parse(text), { now: NOW, deviceId: DEVICE }));
  });
});

describe('SenML JSON (RFC 8428)', () => {
  it('resolves base name, base time and base value, and groups records by time', () => {
    const result = parse(
      JSON.stringify([
        { bn: `${DEVICE}/`, bt: 1795831200, bv: 1, n: 'water_level', u: 'm', v: 0.5 },
        { n: 'rainfall', u: 'mm', v: -1, t: 0 },
        { n: 'water_level', v: 0.75, t: 60.5 },
      ]),
    );
    expect(result).toEqual({
      ok: true,
      format: 'senml',
      readings: [
        { time: new Date('2026-11-28T02:00:00Z'), values: { water_level: 1.5, rainfall: 0 } },
        { time: new Date('2026-11-28T02:01:00.500Z'), values: { water_level: 1.75 } },
      ],
    });
  });

  it('accepts a single record, the device-prefixed base name with a colon, and ignores unknown fields', () => {
    expect(parse(`{"bn":"${DEVICE}:","n":"x","v":3,"t":1795831200,"ext":"ok"}`)).toMatchObject({
      ok: true,
      readings: [{ values: { x: 3 } }],
    });
  });
});

describe('parseStatusPayload', () => {
  it('accepts exactly online and offline', () => {
    expect(parseStatusPayload(encode('online'))).toEqual({ ok: true, status: 'online' });
    expect(parseStatusPayload(encode('offline'))).toEqual({ ok: true, status: 'offline' });
    for (const bad of ['Online', 'online\n', '', '{"status":"online"}']) {
      expect(parseStatusPayload(encode(bad))).toMatchObject({ ok: false, reason: 'invalid_status' });
    }
    expect(parseStatusPayload(new Uint8Array([0xff]))).toMatchObject({ ok: false, reason: 'invalid_utf8' });
  });
});
