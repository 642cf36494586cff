import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { type DecodedId, idOf, notFound, parseDatastreamId } from '../errors.ts';
import type { ReadingEvent, Subscription } from '../pubsub.ts';
import { broadcastable } from '../shared-subscriptions.ts';

export const Reading = builder.objectRef<ReadingEvent>('Reading').implement({
  description: 'One observation of a datastream.',
  fields: (t) => ({
    datastreamId: t.globalID({
      description: 'The id of its Datastream (the same value as Datastream.id).',
      resolve: (reading) => ({ type: 'Datastream', id: reading.datastreamId }),
    }),
    time: t.expose('time', { type: 'DateTime', description: 'When it was observed (device clock).' }),
    value: t.exposeFloat('value'),
  }),
});

builder.subscriptionField('readingsCommitted', (t) =>
  t.field({
    type: [Reading],
    description:
      'Readings as they are committed to the database, in commit order: one event per commit, or one ' +
      'for several commits that reached the gateway together. Without arguments every ' +
      'datastream; with datastreamIds, thingIds and/or programmeId (a quick win) only the readings of ' +
      "those datastreams, of those devices or of that programme's devices (several given: any of them).",
    args: {
      datastreamIds: t.arg.globalIDList({ required: false }),
      thingIds: t.arg.globalIDList({ required: false }),
      programmeId: t.arg.globalID({ required: false }),
    },
    subscribe: (_root, args, context) => readingEvents(context, args),
    resolve: (readings) => readings,
  }),
);

/** What readingsCommitted (and liveEvents' readings) may be asked for. */
export interface ReadingsWanted {
  datastreamIds?: readonly DecodedId[] | null;
  thingIds?: readonly DecodedId[] | null;
  programmeId?: DecodedId | null;
}

/** The stream of readingsCommitted: each commit's readings of the wanted datastreams. */
export async function readingEvents(
  context: GatewayContext,
  asked: ReadingsWanted,
): Promise<AsyncIterable<ReadingEvent[]>> {
  const wanted = await wantedDatastreams(context.prisma, {
    datastreamIds: asked.datastreamIds ?? null,
    thingIds: asked.thingIds ?? null,
    programmeId: asked.programmeId ?? null,
  });
  return onlyWanted(context.pubsub.subscribe('readingsCommitted'), wanted);
}

/** The datastream ids a subscription asked for, or undefined for "all". */
async function wantedDatastreams(
  prisma: GatewayContext['prisma'],
  asked: {
    datastreamIds: readonly DecodedId[] | null;
    thingIds: readonly DecodedId[] | null;
    programmeId: DecodedId | null;
  },
): Promise<Set<number> | undefined> {
  if (asked.datastreamIds === null && asked.thingIds === null && asked.programmeId === null) return undefined;
  const datastreamIds = (asked.datastreamIds ?? []).map((id) => parseDatastreamId(idOf(id, 'Datastream')));
  const thingIds = (asked.thingIds ?? []).map((id) => idOf(id, 'Thing'));
  const programmeId = asked.programmeId ? idOf(asked.programmeId, 'Programme') : null;
  const wanted = new Set(datastreamIds);
  if (thingIds.length > 0) {
    const things = await prisma.thing.findMany({
      where: { id: { in: thingIds } },
      select: { id: true, datastreams: { select: { id: true } } },
    });
    const missing = thingIds.filter((id) => !things.some((thing) => thing.id === id));
    if (missing.length > 0)
      throw notFound(
        `No device has the id "${missing.join('", "')}"; list them with { things { nodes { id } } }`,
      );
    for (const datastream of things.flatMap((thing) => thing.datastreams)) wanted.add(datastream.id);
  }
  if (programmeId !== null) {
    const programme = await prisma.programme.findUnique({
      where: { id: programmeId },
      select: { things: { select: { datastreams: { select: { id: true } } } } },
    });
    if (!programme)
      throw notFound(
        `No programme has the id "${programmeId}"; list them with { programmes { nodes { id } } }`,
      );
    for (const thing of programme.things)
      for (const datastream of thing.datastreams) wanted.add(datastream.id);
  }
  return wanted;
}

/**
 * What each event leaves for one set of wanted datastreams, worked out once for all subscribers
 * asking for the same set: they then receive the same object, which shared-subscriptions.ts
 * executes and serialises once for all of them.
 */
const keptByEvent = new WeakMap<ReadingEvent[], Map<string, ReadingEvent[]>>();

/**
 * Drops readings nobody asked for, and events left empty by that. Not an async generator: a
 * generator waiting for its next event cannot be returned before that event arrives, and a
 * subscriber whose client left would keep listening until a reading it wants came.
 */
function onlyWanted(
  events: Subscription<ReadingEvent[]>,
  wanted: Set<number> | undefined,
): AsyncIterable<ReadingEvent[]> {
  if (!wanted) return broadcastable(events, 'every datastream');
  const wantedKey = [...wanted].sort((a, b) => a - b).join(',');
  const keep = (readings: ReadingEvent[]) => {
    let kept = keptByEvent.get(readings);
    if (!kept) {
      kept = new Map();
      keptByEvent.set(readings, kept);
    }
    let mine = kept.get(wantedKey);
    if (!mine) {
      mine = readings.filter((reading) => wanted.has(reading.datastreamId));
      kept.set(wantedKey, mine);
    }
    return mine;
  };
  const filtered: AsyncIterableIterator<ReadingEvent[]> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      for (;;) {
        const next = await events.next();
        if (next.done) return next;
        const mine = keep(next.value);
        if (mine.length > 0) return { value: mine, done: false };
      }
    },
    return: () => events.return(),
  };
  // Subscribers asking for the same datastreams may share one copy of this stream.
  return broadcastable(filtered, wantedKey);
}
