import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAlerts } from '#lib/alerts/live-alerts.svelte.ts';
import type { LiveAlert } from '#lib/graphql/alerts.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { Reading } from '#lib/graphql/queries.ts';
import { LiveFeed, type LiveFeedOptions } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

type Parts = Pick<LiveFeedOptions<unknown>, 'readingsOf' | 'reloadOnApprovalOf'> & { withAlerts?: boolean };

function setUp(parts: Parts = { readingsOf: { datastreamIds: ['ds-7'] } }) {
  const gateway = fakeGateway(() => Response.json({ data: {} }));
  vi.stubGlobal('fetch', gateway.fetch);
  const client = createGraphqlClient('http://hub.test/graphql');
  const readings = new LiveReadings((flush) => flush());
  const alerts = parts.withAlerts ? new OpenAlerts((flush) => flush()) : undefined;
  const seen: Reading[][] = [];
  let loads = 0;
  const feed = new LiveFeed<{ loads: number }>({
    client,
    readings,
    alerts,
    readingsOf: parts.readingsOf,
    reloadOnApprovalOf: parts.reloadOnApprovalOf,
    fetch: gateway.fetch,
    retryDelay: () => 0,
    load: async () => ({ loads: ++loads }),
    latest: () => [],
    onReadings: (batch) => seen.push([...batch]),
  });
  return { gateway, readings, alerts, feed, seen, loads: () => loads };
}

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

const decision = (status: 'SUBMITTED' | 'APPROVED' | 'REJECTED') =>
  ({ __typename: 'ProgressReportChangedEvent', progressReport: { id: 'r1', status } }) as const;

describe('LiveFeed', () => {
  it('opens one liveEvents stream with only the parts the view asks for', async () => {
    const { gateway, feed } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    expect(gateway.subscriptions).toHaveLength(1);
    expect(gateway.subscriptions[0]?.query).toMatch(/liveEvents\(\s*readings: \$readings/);
    expect(gateway.subscriptions[0]?.variables).toEqual({
      readings: { datastreamIds: ['ds-7'] },
      alerts: null,
      progressReports: null,
    });
    // A stream open for the view's lifetime must not count as the page still loading.
    expect(gateway.subscriptions[0]?.priority).toBe('low');
    feed.stop();
  });

  it('asks for every reading, the open alerts and all report decisions in the same stream', async () => {
    const { gateway, feed } = setUp({ withAlerts: true, reloadOnApprovalOf: { programmeId: null } });
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    expect(gateway.subscriptions).toHaveLength(1);
    expect(gateway.subscriptions[0]?.variables).toEqual({ readings: {}, alerts: {}, progressReports: {} });
    feed.stop();
  });

  it('hands every reading of an event to onReadings, while the live state keeps the newest', async () => {
    const { gateway, readings, feed, seen } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    const batch = [
      { datastreamId: 'ds-7', time: '2026-03-01T08:00:00.000Z', value: 1 },
      { datastreamId: 'ds-7', time: '2026-03-01T08:00:05.000Z', value: 2 },
    ];
    gateway.emit(batch);
    await vi.waitFor(() => expect(seen).toEqual([batch]));
    expect(readings.get('ds-7')?.value).toBe(2);
    feed.stop();
  });

  it('loads again on reload, and not once stopped', async () => {
    const { feed, loads } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.data).toEqual({ loads: 1 }));
    feed.reload();
    await vi.waitFor(() => expect(feed.data).toEqual({ loads: 2 }));
    feed.stop();
    // A load starts synchronously: had reload loaded, the count would already be 3.
    feed.reload();
    expect(loads()).toBe(2);
  });

  it('shows the alerts the stream sends, dropping resolved ones', async () => {
    const { gateway, alerts, feed } = setUp({ withAlerts: true });
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('a') });
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('b') });
    await vi.waitFor(() => expect(alerts?.list.map((a) => a.id)).toEqual(['a', 'b']));
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('a', 'RESOLVED') });
    await vi.waitFor(() => expect(alerts?.list.map((a) => a.id)).toEqual(['b']));
    feed.stop();
  });

  it('shows the layout only once every open alert has come, in the same update as them', async () => {
    const { gateway } = setUp();
    // Frames that never come: only the marker's own flush can put the alert on screen.
    const alerts = new OpenAlerts(() => {});
    let loads = 0;
    const feed = new LiveFeed<{ loads: number }>({
      client: createGraphqlClient('http://hub.test/graphql'),
      readings: new LiveReadings((flush) => flush()),
      alerts,
      fetch: gateway.fetch,
      retryDelay: () => 0,
      load: async () => ({ loads: ++loads }),
      latest: () => [],
    });
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    await vi.waitFor(() => expect(loads).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(feed.data).toBeUndefined();
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('a') });
    gateway.emitLive({ __typename: 'OpenAlertsSentEvent', count: 1 });
    await vi.waitFor(() => expect(feed.data).toEqual({ loads: 1 }));
    expect(alerts.list.map((a) => a.id)).toEqual(['a']);
    // Later loads (a reload, a reconnect) do not wait again.
    feed.reload();
    await vi.waitFor(() => expect(feed.data).toEqual({ loads: 2 }));
    feed.stop();
  });

  it('shows the layout without the alerts when the stream drops before they have all come', async () => {
    const { gateway, feed, loads } = setUp({ withAlerts: true });
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    await vi.waitFor(() => expect(loads()).toBe(1));
    expect(feed.data).toBeUndefined();
    gateway.end();
    // Shown at the drop (the reconnect then loads it again).
    await vi.waitFor(() => expect(feed.data).toBeDefined());
    feed.stop();
  });

  it('after a drop, reconnects, shows only the alerts the new stream sends and loads again', async () => {
    const { gateway, alerts, feed, loads } = setUp({ withAlerts: true });
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    await vi.waitFor(() => expect(loads()).toBe(1));
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('closed-meanwhile') });
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('still-open') });
    await vi.waitFor(() => expect(alerts?.list).toHaveLength(2));

    gateway.end();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(2));
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('still-open') });
    await vi.waitFor(() => expect(alerts?.list.map((a) => a.id)).toEqual(['still-open']));
    await vi.waitFor(() => expect(loads()).toBe(2));
    feed.stop();
  });

  it('restarts on demand with a fresh stream, which replaces what the old one showed', async () => {
    const { gateway, alerts, feed } = setUp({ withAlerts: true });
    feed.restart();
    expect(gateway.streams).toHaveLength(0);
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('a') });
    await vi.waitFor(() => expect(alerts?.list).toHaveLength(1));

    feed.restart();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(2));
    expect(gateway.streams[0]?.signal?.aborted).toBe(true);
    gateway.emitLive({ __typename: 'AlertChangedEvent', alert: alert('a', 'ACKNOWLEDGED') });
    await vi.waitFor(() => expect(alerts?.list.map((a) => a.state)).toEqual(['ACKNOWLEDGED']));
    feed.stop();
  });

  it("follows one programme's report decisions and loads again on approvals only", async () => {
    const { gateway, feed, loads, seen } = setUp({
      readingsOf: { programmeId: 'programme-1' },
      reloadOnApprovalOf: { programmeId: 'programme-1' },
    });
    feed.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    await vi.waitFor(() => expect(loads()).toBe(1));
    expect(gateway.subscriptions[0]?.variables).toEqual({
      readings: { programmeId: 'programme-1' },
      alerts: null,
      progressReports: { programmeId: 'programme-1' },
    });
    gateway.emitLive(decision('SUBMITTED'));
    gateway.emitLive(decision('REJECTED'));
    // Events are handled in order: once this reading is seen, the two decisions were too.
    const reading = { datastreamId: 'ds-7', time: '2026-03-01T08:00:00.000Z', value: 1 };
    gateway.emit([reading]);
    await vi.waitFor(() => expect(seen).toEqual([[reading]]));
    expect(loads()).toBe(1);
    gateway.emitLive(decision('APPROVED'));
    await vi.waitFor(() => expect(feed.data).toEqual({ loads: 2 }));
    feed.stop();
  });
});
