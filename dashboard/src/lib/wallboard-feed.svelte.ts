import type { Client } from '@urql/core';
import { type Reading, type WallboardData, WallboardQuery } from '#lib/graphql/queries.ts';
import { LiveFeed, type LiveFeedOptions } from '#lib/live-feed.svelte.ts';

export type WallboardFeedOptions = Omit<LiveFeedOptions<WallboardData>, 'load' | 'latest'>;

/** Feeds the wallboard: its layout from one query, then every committed reading. */
export class WallboardFeed extends LiveFeed<WallboardData> {
  constructor(options: WallboardFeedOptions) {
    super({ ...options, load: loadWallboard, latest: latestReadings });
  }
}

async function loadWallboard(client: Client): Promise<WallboardData | Error> {
  const result = await client.query(WallboardQuery, {}, { requestPolicy: 'network-only' }).toPromise();
  return result.data ?? result.error ?? new Error('the wallboard query answered without data');
}

function* latestReadings(data: WallboardData): Generator<Reading> {
  for (const dimension of data.dimensions)
    for (const programme of dimension.programmes)
      for (const thing of programme.things)
        for (const datastream of thing.datastreams)
          if (datastream.latest) yield { datastreamId: datastream.id, ...datastream.latest };
}
