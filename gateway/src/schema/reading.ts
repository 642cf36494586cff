import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { notFound, parseDatastreamId } from '../errors.ts';
import type { ReadingEvent } from '../pubsub.ts';

export const Reading = builder.objectRef<ReadingEvent>('Reading').implement({
  description: 'One observation of a datastream.',
  fields: (t) => ({
    datastreamId: t.id({ resolve: (reading) => String(reading.datastreamId) }),
    time: t.expose('time', { type: 'DateTime', description: 'When it was observed (device clock).' }),
    value: t.exposeFloat('value'),
  }),
});

builder.subscriptionField('readingsCommitted', (t) =>
  t.field({
    type: [Reading],
    description:
      'Readings as they are committed to the database, one event per commit. Without arguments every ' +
      'datastream; with datastreamIds and/or programmeId only those (both given: readings matching either).',
    args: {
      datastreamIds: t.arg.idList({ required: false }),
      programmeId: t.arg.id({ required: false }),
    },
    subscribe: async (_root, args, context) => {
      const wanted = await wantedDatastreams(
        context.prisma,
        args.datastreamIds ?? null,
        args.programmeId ?? null,
      );
      return onlyWanted(context.pubsub.subscribe('readingsCommitted'), wanted);
    },
    resolve: (readings) => readings,
  }),
);

/** The datastream ids a subscription asked for, or undefined for "all". */
async function wantedDatastreams(
  prisma: GatewayContext['prisma'],
  datastreamIds: readonly (string | number)[] | null,
  programmeId: string | number | null,
): Promise<Set<number> | undefined> {
  if (datastreamIds === null && programmeId === null) return undefined;
  const wanted = new Set((datastreamIds ?? []).map(parseDatastreamId));
  if (programmeId !== null) {
    const programme = await prisma.programme.findUnique({
      where: { id: String(programmeId) },
      select: { things: { select: { datastreams: { select: { id: true } } } } },
    });
    if (!programme)
      throw notFound(`No programme has the id "${programmeId}"; list them with { programmes { id } }`);
    for (const thing of programme.things)
      for (const datastream of thing.datastreams) wanted.add(datastream.id);
  }
  return wanted;
}

/** Drops readings nobody asked for, and events left empty by that. */
async function* onlyWanted(
  events: AsyncIterable<ReadingEvent[]>,
  wanted: Set<number> | undefined,
): AsyncGenerator<ReadingEvent[]> {
  for await (const readings of events) {
    const kept = wanted ? readings.filter((reading) => wanted.has(reading.datastreamId)) : readings;
    if (kept.length > 0) yield kept;
  }
}
