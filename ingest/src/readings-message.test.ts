import { MAX_PAYLOAD_BYTES } from '@bisa/contract/payload.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideMessage, type LookupThing } from './readings-message.ts';

const RIVER: LookupThing = async (id) =>
  id === 'masamba-river-01'
    ? {
        thingId: id,
        datastreamIds: new Map([
          ['water_level', 1],
          ['rainfall', 2],
        ]),
      }
    : undefined;

const TOPIC = 'bisa/v1/masamba-river-01/readings';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('decideMessage', () => {
  it('maps each metric of each reading to its datastream', async () => {
    const payload = bytes(
      JSON.stringify([
        { time: '2026-11-28T10:00:00+08:00', values: { water_level: 1.5, rainfall: 0 } },
        { time: '2026-11-28T02:01:00Z', values: { water_level: 1.6 } },
      ]),
    );
    expect(await decideMessage(TOPIC, payload, RIVER)).toEqual({
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
    const decision = await decideMessage('bisa/v1/ghost-01/readings', payload, RIVER);
    expect(decision).toMatchObject({ kind: 'reject', reason: 'unknown_device', deviceId: 'ghost-01' });
  });

  it('refuses the whole batch when one metric is unknown, naming the known ones', async () => {
    const payload = bytes(
      JSON.stringify([
        { time: '2026-11-28T02:00:00Z', values: { water_level: 1 } },
        { time: '2026-11-28T02:01:00Z', values: { pm25: 3 } },
      ]),
    );
    const decision = await decideMessage(TOPIC, payload, RIVER);
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

  it('keeps only the first bytes of an oversize payload', async () => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES + 10).fill(0x20);
    const decision = await decideMessage(TOPIC, payload, RIVER);
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
          else expect(decision.rows.every((r) => Number.isFinite(r.value))).toBe(true);
        },
      ),
    );
  });
});
