import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { type DecodedId, idOf } from '../errors.ts';
import { DATABASE_ID } from './node.ts';

builder.prismaNode('Location', {
  description: 'Where things stand (WGS84).',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    name: t.exposeString('name'),
    latitude: t.exposeFloat('latitude'),
    longitude: t.exposeFloat('longitude'),
  }),
});

builder.prismaNode('Thing', {
  description:
    'A station or device deployed for a programme (SensorThings "Thing"). Its databaseId is its MQTT user.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', {
      description: 'The MQTT user and topic segment of the device: bisa/v1/<databaseId>/readings.',
    }),
    name: t.exposeString('name'),
    isSample: t.exposeBoolean('isSample'),
    lastSeenAt: t.expose('lastSeenAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When ingest last received a message from this device, stored or refused.',
    }),
    location: t.relation('location'),
    programme: t.relation('programme'),
    datastreams: t.relation('datastreams', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryField('things', (t) =>
  t.prismaConnection(
    {
      type: 'Thing',
      cursor: 'id',
      description:
        'Registered devices by databaseId, optionally of one programme (quick win) or at one site.',
      args: {
        programmeId: t.arg.globalID({ required: false }),
        locationId: t.arg.globalID({ required: false, description: 'The site (a Location id).' }),
      },
      totalCount: (_connection, args, context) => context.prisma.thing.count({ where: thingsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.thing.findMany({ ...query, where: thingsWhere(args), orderBy: { id: 'asc' } }),
    },
    { name: 'ThingConnection' },
    { name: 'ThingEdge' },
  ),
);

function thingsWhere(filter: {
  programmeId?: DecodedId | null;
  locationId?: DecodedId | null;
}): Prisma.ThingWhereInput {
  return {
    ...(filter.programmeId ? { programmeId: idOf(filter.programmeId, 'Programme') } : {}),
    ...(filter.locationId ? { locationId: idOf(filter.locationId, 'Location') } : {}),
  };
}
