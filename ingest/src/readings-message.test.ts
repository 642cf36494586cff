import { MAX_PAYLOAD_BYTES } from '@bisa/contract/payload.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideMessage, type LookupThing } from './readings-message.ts';

const RIVER: LookupThing = async (id) =>
  id === 'masamba-river-01'
    ? {
        thingId: id,
        disabled: false,
        datastreamIds: new Map([
          ['water_level', 1],
          ['rainfall', 2],
        ]),
      }
    : id === 'retired-01'
      ? { thingId: id, disabled: true, datastreamIds: new Map([['water_level', 3]]) }
      : undefined;

const TOPIC = 'bisa/v1/masamba-river-01/readings';
const bytes = (text: string) => new TextEncoder().encode(text);
const NOW = new Date('2026-11-28T12:00:00Z');

describe('decideMessage', () => {
  it('maps each metric of each reading to its datastream', async () => {
    const payload = bytes(
      JSON.stringify([
        { time: '2026-11-28T10:00:00+08:00', values: { water_level: 1.5, rainfall: 0 } },
        { time: '2026-11-28T02:01:00Z', values: { water_level: 1.6 } },
      ]),
    );
    expect(await decideMessage(TOPIC, payload, RIVER, NOW)).toEqual({
      kind: 'store',
      thingId: 'masamba-river-01',
      rows: [
        { datastreamId: 1, time: new Date('2026-11-28T02:00:00Z'), value: 1.5 },
        { datastreamId: 2, time: new Date('2026-11-28T02:00:00Z'), value: 0 },
        { datastreamId: 1, time: new Date('2026-11-28T02:01:00Z'), value: 1.6 },
      ],
    });
  });

  it('refuses a malformed topic without a device id', async () => {
    const decision = await decideMessage('bisa/v1/Bad_Id/readings', bytes('{}'), RIVER);
    expect(decision).toMatchObject({ kind: 'reject', reason: 'invalid_topic', deviceId: null });
  });

  it('refuses an unregistered device, keeping its id', async () => {
    const payload = bytes('{"time":"2026-11-28T02:00:00Z","values":{"water_level":1}}');
    const decision = await decideMessage('bisa/v1/ghost-01/readings', payload, RIVER, NOW);
    expect(decision).toMatchObject({ kind: 'reject', reason: 'unknown_device', deviceId: 'ghost-01' });
  });

  it('refuses the whole batch when one metric is unknown, naming the known ones', async () => {
    const payload = bytes(
      JSON.stringify([
        { time: '2026-11-28T02:00:00Z', values: { water_level: 1 } },
        { time: '2026-11-28T02:01:00Z', values: { pm25: 3 } },
      ]),
    );
    const decision = await decideMessage(TOPIC, payload, RIVER, NOW);
    expect(decision).toMatchObject({ kind: 'reject', reason: 'unknown_metric', knownDevice: true });
    expect(decision.kind === 'reject' && decision.detail).toContain('rainfall, water_level');
  });

  it('reports a payload error before an unknown device, and knows whether the device exists', async () => {
    expect(await decideMessage(TOPIC, bytes('{"time":'), RIVER)).toMatchObject({
      reason: 'invalid_json',
      knownDevice: true,
      deviceId: 'masamba-river-01',
    });
    expect(await decideMessage('bisa/v1/ghost-01/readings', bytes('{'), RIVER)).toMatchObject({
      reason: 'invalid_json',
      knownDevice: false,
    });
  });

  it('records a device status from its status topic and dead-letters anything but online/offline', async () => {
    expect(await decideMessage('bisa/v1/masamba-river-01/status', bytes('offline'), RIVER)).toEqual({
      kind: 'status',
      thingId: 'masamba-river-01',
      status: 'offline',
    });
    expect(await decideMessage('bisa/v1/masamba-river-01/status', bytes('up'), RIVER)).toMatchObject({
      kind: 'reject',
      reason: 'invalid_status',
      knownDevice: true,
    });
    expect(await decideMessage('bisa/v1/ghost-01/status', bytes('online'), RIVER)).toMatchObject({
      reason: 'unknown_device',
    });
  });

  it('refuses readings and status of a disabled device', async () => {
    const payload = bytes('{"time":"2026-11-28T02:00:00Z","values":{"water_level":1}}');
    for (const topic of ['bisa/v1/retired-01/readings', 'bisa/v1/retired-01/status']) {
      const decision = await decideMessage(
        topic,
        topic.endsWith('status') ? bytes('online') : payload,
        RIVER,
        NOW,
      );
      expect(decision).toMatchObject({ kind: 'reject', reason: 'device_disabled', knownDevice: true });
    }
  });

  it('checks the timestamp window against the time it is given', async () => {
    const payload = bytes('{"time":"2026-11-28T02:00:00Z","values":{"water_level":1}}');
    expect((await decideMessage(TOPIC, payload, RIVER, NOW)).kind).toBe('store');
    const later = new Date('2027-01-01T00:00:00Z');
    expect(await decideMessage(TOPIC, payload, RIVER, later)).toMatchObject({
      reason: 'time_outside_window',
    });
  });

  it('stores SenML with a base name of its own device', async () => {
    const payload = bytes('[{"bn":"masamba-river-01/","bt":1795831200,"n":"rainfall","v":2.5}]');
    expect(await decideMessage(TOPIC, payload, RIVER, NOW)).toEqual({
      kind: 'store',
      thingId: 'masamba-river-01',
      rows: [{ datastreamId: 2, time: new Date('2026-11-28T02:00:00Z'), value: 2.5 }],
    });
  });

  it('keeps only the first bytes of an oversize payload', async () => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES + 10).fill(0x20);
    const decision = await decideMessage(TOPIC, payload, RIVER, NOW);
    expect(decision.kind === 'reject' && decision.reason).toBe('payload_too_large');
    expect(decision.kind === 'reject' && decision.payload.byteLength).toBe(MAX_PAYLOAD_BYTES);
  });

  it('always decides, never throws, whatever the topic and bytes', async () => {
    const json = fc.json().map((text) => new TextEncoder().encode(text));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(TOPIC),
          fc.string().map((id) => `bisa/v1/${id}/readings`),
        ),
        fc.oneof(fc.uint8Array({ maxLength: 512 }), json),
        async (topic, payload) => {
          const decision = await decideMessage(topic, payload, RIVER);
          if (decision.kind === 'reject') expect(decision.detail.length).toBeGreaterThan(0);
          else if (decision.kind === 'store') {
            expect(decision.rows.every((r) => Number.isFinite(r.value))).toBe(true);
          } else expect.unreachable('a readings topic never yields a status');
        },
      ),
    );
  });
});
