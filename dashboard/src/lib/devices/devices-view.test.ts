import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock } from '#lib/clock.svelte.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { aDevice } from './device-fixture.ts';
import type { Device } from './devices-query.ts';
import { DevicesView } from './devices-view.svelte.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const fixture = aDevice();
// One datastream with a reading from just now: the device is live.
const RIVER: Device = {
  ...fixture,
  datastreams: fixture.datastreams.map((datastream) => ({
    ...datastream,
    latest: { time: new Date().toISOString(), value: 2.5 },
  })),
};

const page = (nodes: Device[]) =>
  Response.json({ data: { devices: { pageInfo: { hasNextPage: false, endCursor: null }, nodes } } });

function setUp(answer: () => Response) {
  const gateway = fakeGateway(answer);
  vi.stubGlobal('fetch', gateway.fetch);
  const view = new DevicesView(createGraphqlClient('http://hub.test/graphql'), {
    clock: new Clock(60_000),
    refreshMs: 20,
  });
  return { gateway, view };
}

describe('DevicesView', () => {
  it('loads the devices with their latest readings, on one subscription, and asks again for their health', async () => {
    const { gateway, view } = setUp(() => page([RIVER]));
    view.start();
    await vi.waitFor(() => expect(view.feed.data).toEqual([RIVER]));
    expect(view.readings.get('ds-0')?.value).toBe(2.5);
    expect(view.states.get(RIVER.id)?.status).toBe('live');
    expect(view.refused).toBe(false);

    const quiet = {
      ...RIVER,
      health: { ...(RIVER.health as NonNullable<Device['health']>), connection: 'OFFLINE' as const },
    };
    gateway.answerQueriesWith(() => page([quiet]));
    await vi.waitFor(() => expect(view.states.get(RIVER.id)?.status).toBe('offline'));
    expect(gateway.subscriptions).toHaveLength(1);
    view.stop();
    const queries = gateway.queries;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(gateway.queries).toBe(queries);
  });

  it('says when the gateway refuses the list, so the view can show the refusal', async () => {
    const { view } = setUp(() =>
      Response.json({
        data: null,
        errors: [{ message: 'Your role may not use devices', extensions: { code: 'FORBIDDEN' } }],
      }),
    );
    view.start();
    await vi.waitFor(() => expect(view.refused).toBe(true));
    expect(view.feed.data).toBeUndefined();
    view.stop();
  });
});
