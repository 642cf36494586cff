import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveAlert } from '#lib/graphql/alerts.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { LiveAlerts } from './live-alerts.svelte.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const alert = (id: string, state: LiveAlert['state'] = 'OPEN'): LiveAlert => ({
  id,
  state,
  level: 'SIAGA',
  value: 3.2,
  openedAt: '2026-12-01T07:00:00Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  rule: { id: 'rule', name: 'Tinggi muka air sungai (contoh)', kind: 'THRESHOLD' },
  datastream: {
    id: 'ds-1',
    unit: 'm',
    observedProperty: { name: { id: 'Tinggi muka air', en: 'Water level' } },
    thing: { id: 'thing', name: 'Pos duga air', location: { id: 'loc', name: 'Jembatan' } },
  },
});

function setUp() {
  const gateway = fakeGateway(() => Response.json({ data: {} }));
  vi.stubGlobal('fetch', gateway.fetch);
  const alerts = new LiveAlerts(createGraphqlClient('http://hub.test/graphql'), {
    schedule: (flush) => flush(),
    fetch: gateway.fetch,
    retryDelay: () => 0,
  });
  const encoder = new TextEncoder();
  const send = (changed: LiveAlert) =>
    gateway.streams
      .at(-1)
      ?.controller.enqueue(
        encoder.encode(`data: ${JSON.stringify({ data: { alertChanged: changed } })}\n\n`),
      );
  return { gateway, alerts, send };
}

describe('LiveAlerts', () => {
  it('opens one alertChanged stream and shows what it sends, dropping resolved alerts', async () => {
    const { gateway, alerts, send } = setUp();
    alerts.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    expect(gateway.subscriptions.map((s) => s.query)).toEqual([expect.stringMatching(/alertChanged/)]);

    send(alert('a'));
    send(alert('b'));
    await vi.waitFor(() => expect(alerts.open.list.map((a) => a.id)).toEqual(['a', 'b']));
    send(alert('a', 'RESOLVED'));
    await vi.waitFor(() => expect(alerts.open.list.map((a) => a.id)).toEqual(['b']));
    alerts.stop();
  });

  it('after a drop, reconnects and shows only what the new stream sends', async () => {
    const { gateway, alerts, send } = setUp();
    alerts.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    send(alert('closed-meanwhile'));
    send(alert('still-open'));
    await vi.waitFor(() => expect(alerts.open.list).toHaveLength(2));

    gateway.streams.at(-1)?.controller.close();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(2));
    send(alert('still-open'));
    await vi.waitFor(() => expect(alerts.open.list.map((a) => a.id)).toEqual(['still-open']));
    alerts.stop();
  });

  it('restarts on demand with a fresh stream, which replaces what the old one showed', async () => {
    const { gateway, alerts, send } = setUp();
    alerts.restart();
    expect(gateway.streams).toHaveLength(0);
    alerts.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    send(alert('a'));
    await vi.waitFor(() => expect(alerts.open.list).toHaveLength(1));

    alerts.restart();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(2));
    expect(gateway.streams[0]?.signal?.aborted).toBe(true);
    send(alert('a', 'ACKNOWLEDGED'));
    await vi.waitFor(() => expect(alerts.open.list.map((a) => a.state)).toEqual(['ACKNOWLEDGED']));
    alerts.stop();
  });
});
