import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { WallboardData } from '#lib/graphql/queries.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { WallboardFeed } from './wallboard-feed.svelte.ts';

const LAYOUT: WallboardData = {
  dimensions: [
    {
      id: 'smart-society',
      sortOrder: 5,
      name: { id: 'Masyarakat', en: 'Society' },
      programmes: [
        {
          id: 'flood-early-warning',
          isSample: true,
          name: { id: 'Peringatan dini banjir', en: 'Flood early warning' },
          owner: { acronym: 'BPBD' },
          evaluation: { progress: 0.4, expectedProgress: 0.5, status: 'ON_TRACK' },
          things: [
            {
              id: 'VGhpbmc6bWFzYW1iYS1yaXZlci0wMQ==',
              databaseId: 'masamba-river-01',
              name: 'Masamba river gauge',
              location: { name: 'Masamba bridge' },
              datastreams: [
                {
                  id: '1',
                  key: 'water_level',
                  unit: 'm',
                  observedProperty: { name: { id: 'Tinggi muka air', en: 'Water level' } },
                  latest: { time: '2026-11-29T01:00:00.000Z', value: 1.2 },
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

function setUp() {
  const gateway = fakeGateway(() => Response.json({ data: LAYOUT }));
  const client = createGraphqlClient('http://hub.test/graphql');
  // The client's own fetch is the global one; queries and the stream must both hit the fake.
  vi.stubGlobal('fetch', gateway.fetch);
  // Drops and retries are logged for operators; here they are expected.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const readings = new LiveReadings((flush) => flush());
  const feed = new WallboardFeed({ client, readings, fetch: gateway.fetch, retryDelay: () => 0 });
  return { gateway, readings, feed };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('WallboardFeed', () => {
  it('loads the layout with the latest readings and goes live when the stream opens', async () => {
    const { gateway, readings, feed } = setUp();
    expect(feed.status).toBe('connecting');
    feed.start();

    await vi.waitFor(() => expect(feed.data).toEqual(LAYOUT));
    expect(readings.get('1')?.value).toBe(1.2);
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    expect(gateway.streams).toHaveLength(1);
    feed.stop();
  });

  it('applies every event of the one subscription to the live readings', async () => {
    const { gateway, readings, feed } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    await vi.waitFor(() => expect(feed.data).toBeDefined());

    gateway.emit([{ datastreamId: '1', time: '2026-11-29T01:00:05.000Z', value: 4.56 }]);
    await vi.waitFor(() => expect(readings.get('1')?.value).toBe(4.56));
    gateway.emit([
      { datastreamId: '1', time: '2026-11-29T01:00:06.000Z', value: 4.6 },
      { datastreamId: '2', time: '2026-11-29T01:00:06.000Z', value: 12 },
    ]);
    await vi.waitFor(() => expect(readings.get('2')?.value).toBe(12));
    expect(readings.get('1')?.value).toBe(4.6);
    expect(gateway.streams).toHaveLength(1);
    feed.stop();
  });

  it('reconnects when the stream ends and reloads the layout to catch up on missed readings', async () => {
    const { gateway, feed } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    await vi.waitFor(() => expect(gateway.queries).toBe(1));

    gateway.answerSubscriptionsWith(() => {
      throw new TypeError('fetch failed');
    });
    gateway.end();
    await vi.waitFor(() => expect(feed.status).toBe('reconnecting'));

    gateway.answerSubscriptionsWith(undefined);
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    expect(gateway.streams).toHaveLength(2);
    await vi.waitFor(() => expect(gateway.queries).toBe(2));
    feed.stop();
  });

  it('treats an answer that is not an event stream as a drop, instead of waiting forever', async () => {
    const { gateway, feed } = setUp();
    let refused = 0;
    gateway.answerSubscriptionsWith(() => {
      refused++;
      return Response.json({ errors: [{ message: 'Unexpected error.' }] });
    });
    feed.start();
    await vi.waitFor(() => expect(refused).toBeGreaterThanOrEqual(2));
    expect(feed.status).toBe('reconnecting');

    gateway.answerSubscriptionsWith(undefined);
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    feed.stop();
  });

  it('retries the layout until it loads', async () => {
    const { gateway, feed } = setUp();
    gateway.answerQueriesWith(() => new Response('BISA Hub is starting\n', { status: 503 }));
    feed.start();
    await vi.waitFor(() => expect(feed.loadFailed).toBe(true));
    expect(feed.data).toBeUndefined();

    gateway.answerQueriesWith(() => Response.json({ data: LAYOUT }));
    await vi.waitFor(() => expect(feed.data).toEqual(LAYOUT));
    expect(feed.loadFailed).toBe(false);
    feed.stop();
  });

  it('closes the stream on stop and does not reconnect', async () => {
    const { gateway, feed } = setUp();
    feed.start();
    await vi.waitFor(() => expect(feed.status).toBe('live'));
    feed.stop();

    expect(gateway.streams[0]?.signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.streams).toHaveLength(1);
  });
});
