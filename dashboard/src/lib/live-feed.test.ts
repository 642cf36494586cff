import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReadingsOfDatastreamsSubscription } from '#lib/graphql/chart.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { Reading } from '#lib/graphql/queries.ts';
import { LiveFeed, liveStream } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function setUp() {
  const gateway = fakeGateway(() => Response.json({ data: {} }));
  vi.stubGlobal('fetch', gateway.fetch);
  const client = createGraphqlClient('http://hub.test/graphql');
  const readings = new LiveReadings((flush) => flush());
  const seen: Reading[][] = [];
  let loads = 0;
  const feed = new LiveFeed<{ loads: number }>({
    client,
    readings,
    fetch: gateway.fetch,
    retryDelay: () => 0,
    load: async () => ({ loads: ++loads }),
    latest: () => [],
    live: liveStream(ReadingsOfDatastreamsSubscription, { datastreamIds: ['ds-7'] }),
    onReadings: (batch) => seen.push([...batch]),
  });
  return { gateway, readings, feed, seen, loads: () => loads };
}

describe('LiveFeed', () => {
  it('opens the stream the view asks for, with its variables', async () => {
    const { gateway, feed } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    expect(gateway.subscriptions).toHaveLength(1);
    expect(gateway.subscriptions[0]?.query).toMatch(/readingsCommitted\(datastreamIds: \$datastreamIds\)/);
    expect(gateway.subscriptions[0]?.variables).toEqual({ datastreamIds: ['ds-7'] });
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
});
