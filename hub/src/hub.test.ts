import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSubscription } from '@bisa/gateway/testing.ts';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubConfig } from './config.ts';
import { Hub } from './hub.ts';
import { connectSampleDevice, embeddedTestConfig, recordingLogger } from './testing.ts';

// The whole embedded hub end to end: a device publishes over MQTT to the in-process broker,
// ingest commits to the in-process TimescaleDB, and the gateway serves and streams it.

let dataDir: string;
let hub: Hub;
const log = recordingLogger();
let device: MqttClient;

function hubConfig(simulatorEnabled: boolean): HubConfig {
  return embeddedTestConfig({ dataDir, simulator: { enabled: simulatorEnabled, intervalMs: 200 } });
}

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(hub.addresses.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

type CommittedReading = { datastreamId: string; time: string; value: number };

/**
 * Opens the readingsCommitted subscription; resolves once the server has started it, with
 * `event` the first committed reading matching `accept`.
 */
async function nextCommitted(
  accept: (r: CommittedReading) => boolean,
): Promise<{ event: Promise<CommittedReading> }> {
  const stream = await openSubscription(
    fetch,
    hub.addresses.graphql,
    'subscription { readingsCommitted { datastreamId time value } }',
  );
  const event = (async () => {
    for (;;) {
      const { data } = await stream.next();
      const match = (data as { readingsCommitted?: CommittedReading[] } | undefined)?.readingsCommitted?.find(
        accept,
      );
      if (match) {
        stream.close();
        return match;
      }
    }
  })();
  return { event };
}

async function datastreamId(thingId: string, key: string): Promise<string> {
  const data = await graphql<{
    things: { nodes: { databaseId: string; datastreams: { id: string; key: string }[] }[] };
  }>('{ things(first: 100) { nodes { databaseId datastreams { id key } } } }');
  const id = data.things.nodes
    .find((t) => t.databaseId === thingId)
    ?.datastreams.find((d) => d.key === key)?.id;
  if (!id) throw new Error(`no datastream ${thingId}/${key}`);
  return id;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bisa-hub-test-'));
  hub = new Hub(hubConfig(false), log.logger);
  await hub.start();
  device = await connectSampleDevice(hub.addresses.mqtt);
});

afterEach((context) => log.printIfFailed(context));

afterAll(async () => {
  await device?.endAsync(true);
  await hub?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded hub', () => {
  it('serves the programme data with the six dimensions', async () => {
    const data = await graphql<{ dimensions: { databaseId: string; coordinator: { acronym: string } }[] }>(
      '{ dimensions { databaseId coordinator { acronym } } }',
    );
    expect(data.dimensions.map((d) => d.databaseId)).toEqual([
      'governance',
      'branding',
      'economy',
      'living',
      'society',
      'environment',
    ]);
    expect(data.dimensions.find((d) => d.databaseId === 'society')?.coordinator.acronym).toBe('BPBD');
  });

  it('serves the dashboard with a browsing context group of its own, away from the page before it', async () => {
    const response = await fetch(`${hub.addresses.dashboard}quick-wins`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('streams and serves a reading a device published over MQTT', async () => {
    const id = await datastreamId('masamba-river-01', 'water_level');
    const time = new Date(Date.now() - 1000).toISOString();
    const subscription = await nextCommitted((r) => r.datastreamId === id && r.time === time);
    await device.publishAsync(
      'bisa/v1/masamba-river-01/readings',
      JSON.stringify({ time, values: { water_level: 3.21, rainfall: 12.5 } }),
      { qos: 1 },
    );
    expect((await subscription.event).value).toBe(3.21);
    const data = await graphql<{ datastream: { latest: { value: number; time: string } } }>(
      'query ($id: ID!) { datastream(id: $id) { latest { value time } } }',
      { id },
    );
    expect(data.datastream.latest).toEqual({ value: 3.21, time });
  });

  it('dead-letters a bad payload with a reason and keeps taking good readings', async () => {
    await device.publishAsync(
      'bisa/v1/masamba-river-01/readings',
      '{"time": "yesterday", "values": {"water_level": 1}}',
      {
        qos: 1,
      },
    );
    const id = await datastreamId('masamba-river-01', 'water_level');
    const time = new Date().toISOString();
    const subscription = await nextCommitted((r) => r.datastreamId === id && r.time === time);
    await device.publishAsync(
      'bisa/v1/masamba-river-01/readings',
      JSON.stringify({ time, values: { water_level: 1.5 } }),
      {
        qos: 1,
      },
    );
    expect((await subscription.event).value).toBe(1.5);
    const { rows } = await hub.database.sql.query<{ reason: string; payload: Buffer }>(
      'SELECT reason, payload FROM dead_letter ORDER BY id',
    );
    expect(rows.map((r) => r.reason)).toEqual(['invalid_time']);
    expect(Buffer.from(rows[0]?.payload ?? []).toString()).toContain('yesterday');
  });

  it('keeps committed data across a restart and runs the simulated devices', async () => {
    const before = await hub.database.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM reading');
    await device.endAsync(true);
    await hub.stop();

    hub = new Hub(hubConfig(true), log.logger);
    await hub.start();
    const after = await hub.database.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM reading');
    expect(after.rows[0]?.n).toBeGreaterThanOrEqual(before.rows[0]?.n ?? Number.NaN);
    expect(before.rows[0]?.n).toBeGreaterThan(0);

    const id = await datastreamId('baliase-river-01', 'water_level');
    const subscription = await nextCommitted((r) => r.datastreamId === id);
    const simulated = await subscription.event;
    expect(simulated.value).toBeGreaterThan(0);
    device = await connectSampleDevice(hub.addresses.mqtt);
  });
});
