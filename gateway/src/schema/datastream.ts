import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { badUserInput, type DecodedId, idOf, parseDatastreamId } from '../errors.ts';
import {
  readFirstReadingTime,
  readSeriesFromHourlyAggregate,
  readSeriesFromReadings,
  type SeriesQuery,
  type SeriesRow,
} from '../repositories/readings.ts';
import {
  BUCKET_SECONDS,
  type BucketName,
  bucketCount,
  DEFAULT_MAX_POINTS,
  MAX_SERIES_POINTS,
  narrowestBucketWithin,
} from '../telemetry/series-buckets.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';
import { Reading } from './reading.ts';

const SeriesBucket = builder.enumType('SeriesBucket', {
  description:
    'Width of one series point. Buckets are aligned to local midnight in Luwu Utara (WITA, UTC+8).',
  values: Object.keys(BUCKET_SECONDS) as BucketName[],
});

const SeriesAggregate = builder.enumType('SeriesAggregate', {
  description: 'How the readings inside one bucket are combined.',
  values: ['AVG', 'MIN', 'MAX'] as const,
});

type SeriesPointShape = { bucket: Date; value: number; min: number; max: number; count: number };

const SeriesPoint = builder.objectRef<SeriesPointShape>('SeriesPoint').implement({
  description: 'One bucket of a time series; buckets without readings are left out.',
  fields: (t) => ({
    bucket: t.expose('bucket', { type: 'DateTime', description: 'Start of the bucket.' }),
    value: t.exposeFloat('value', {
      description: "The bucket's readings combined by the series' aggregate.",
    }),
    min: t.exposeFloat('min', {
      description: "The bucket's lowest reading, whatever the aggregate: a chart's band around `value`.",
    }),
    max: t.exposeFloat('max', {
      description: "The bucket's highest reading: a crest the average of a long bucket smooths away.",
    }),
    count: t.exposeInt('count', { description: 'How many readings the bucket holds.' }),
  }),
});

function validateSeriesRange(from: Date, to: Date, bucketSeconds: number): void {
  if (from >= to) throw badUserInput('series: "from" must be before "to"');
  const points = bucketCount(from, to, bucketSeconds);
  if (points > MAX_SERIES_POINTS) {
    throw badUserInput(
      `series: ${points} buckets requested, at most ${MAX_SERIES_POINTS}; choose a larger bucket or a shorter range`,
    );
  }
}

function maxPointsOf(maxPoints: number | null | undefined): number {
  const value = maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SERIES_POINTS) {
    throw badUserInput(`series: maxPoints must be between 1 and ${MAX_SERIES_POINTS}`);
  }
  return value;
}

const HOUR_MS = 3_600_000;

/** The continuous aggregate answers exactly only for whole-hour buckets over whole-hour ranges. */
function canUseHourlyAggregate(query: SeriesQuery): boolean {
  return (
    query.bucketSeconds % 3600 === 0 &&
    query.from.getTime() % HOUR_MS === 0 &&
    query.to.getTime() % HOUR_MS === 0
  );
}

const pickAggregate: Record<'AVG' | 'MIN' | 'MAX', (row: SeriesRow) => number> = {
  AVG: (row) => row.avg,
  MIN: (row) => row.min,
  MAX: (row) => row.max,
};

builder.prismaNode('ObservedProperty', {
  description: 'What is observed, e.g. river water level (SensorThings "ObservedProperty").',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (property) => localized(property.nameId, property.nameEn),
    }),
  }),
});

builder.prismaNode('Datastream', {
  description: 'One series: one thing, one observed property, one unit (SensorThings "Datastream").',
  id: { resolve: (datastream) => datastream.id },
  // A malformed id inside a global id is the client's mistake, not a database error.
  findUnique: (id) => ({ id: parseDatastreamId(id) }),
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeInt('id', { description: DATABASE_ID }),
    key: t.exposeString('key', { description: "The metric's name in the device's payload." }),
    unit: t.exposeString('unit'),
    expectedIntervalSeconds: t.exposeInt('expectedIntervalSeconds', {
      description:
        'How often the device should report; a latest reading older than 1.5 times this means the datastream is stale (a reading was missed).',
    }),
    thing: t.relation('thing'),
    observedProperty: t.relation('observedProperty'),
    latest: t.field({
      type: Reading,
      nullable: true,
      description: 'The newest reading, or null before the first one.',
      select: { latest: true },
      resolve: (datastream) => datastream.latest,
    }),
    firstReadingAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the first reading in [from, to) was taken, or null without one: a data-quality view counts the readings it expected from here, not from the start of the first bucket with a reading.',
      args: {
        from: t.arg({ type: 'DateTime', required: true }),
        to: t.arg({ type: 'DateTime', required: true }),
      },
      select: { id: true },
      resolve: (datastream, args, context) => {
        if (args.from >= args.to) throw badUserInput('firstReadingAt: "from" must be before "to"');
        return readFirstReadingTime(context.sql, {
          datastreamId: datastream.id,
          from: args.from,
          to: args.to,
        });
      },
    }),
    series: t.field({
      type: [SeriesPoint],
      description: `Bucketed readings in [from, to). At most ${MAX_SERIES_POINTS} buckets per request. Without \`bucket\` the server picks the narrowest bucket that gives at most \`maxPoints\` buckets (day buckets if none does), so a long range arrives downsampled.`,
      args: {
        from: t.arg({ type: 'DateTime', required: true }),
        to: t.arg({ type: 'DateTime', required: true }),
        bucket: t.arg({ type: SeriesBucket, required: false }),
        maxPoints: t.arg.int({
          required: false,
          description: `With no bucket: at most this many buckets (default ${DEFAULT_MAX_POINTS}, at most ${MAX_SERIES_POINTS}).`,
        }),
        aggregate: t.arg({ type: SeriesAggregate, required: true, defaultValue: 'AVG' }),
      },
      select: { id: true },
      resolve: async (datastream, args, context) => {
        const query = {
          datastreamId: datastream.id,
          from: args.from,
          to: args.to,
          bucketSeconds:
            BUCKET_SECONDS[
              args.bucket ?? narrowestBucketWithin(args.from, args.to, maxPointsOf(args.maxPoints))
            ],
        };
        validateSeriesRange(query.from, query.to, query.bucketSeconds);
        const rows =
          context.hasHourlyAggregate && canUseHourlyAggregate(query)
            ? await readSeriesFromHourlyAggregate(context.sql, query)
            : await readSeriesFromReadings(context.sql, query);
        const pick = pickAggregate[args.aggregate];
        return rows.map((row) => ({ ...row, value: pick(row) }));
      },
    }),
  }),
});

builder.queryFields((t) => ({
  datastream: t.prismaField({
    type: 'Datastream',
    nullable: true,
    description: 'The datastream with this id, or null; the same as node(id) with the type known.',
    args: { id: t.arg.globalID({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.datastream.findUnique({
        ...query,
        where: { id: parseDatastreamId(idOf(args.id, 'Datastream')) },
      }),
  }),
  datastreams: t.prismaConnection(
    {
      type: 'Datastream',
      cursor: 'id',
      description: 'Datastreams by databaseId; every filter given must match.',
      args: {
        thingId: t.arg.globalID({ required: false }),
        programmeId: t.arg.globalID({ required: false, description: 'The programme the thing serves.' }),
        observedPropertyId: t.arg.globalID({ required: false }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.datastream.count({ where: datastreamsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.datastream.findMany({
          ...query,
          where: datastreamsWhere(args),
          orderBy: { id: 'asc' },
        }),
    },
    { name: 'DatastreamConnection' },
    { name: 'DatastreamEdge' },
  ),
}));

function datastreamsWhere(filter: {
  thingId?: DecodedId | null;
  programmeId?: DecodedId | null;
  observedPropertyId?: DecodedId | null;
}): Prisma.DatastreamWhereInput {
  return {
    ...(filter.thingId ? { thingId: idOf(filter.thingId, 'Thing') } : {}),
    ...(filter.programmeId ? { thing: { programmeId: idOf(filter.programmeId, 'Programme') } } : {}),
    ...(filter.observedPropertyId
      ? { observedPropertyId: idOf(filter.observedPropertyId, 'ObservedProperty') }
      : {}),
  };
}
